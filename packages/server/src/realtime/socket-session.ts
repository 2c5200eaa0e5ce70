import { CLOSE_CODES } from "@prompt-service/protocol";
import type { FastifyBaseLogger } from "fastify";
import type { RawData, WebSocket } from "ws";

export interface SessionLimits {
  /** Above this many bytes waiting to be sent, the client is too slow and is disconnected. */
  maxBufferedBytes: number;
  /** Messages a client may send in any second; one more closes the socket (4429). */
  maxMessagesPerSecond: number;
}

// setTimeout takes at most a 32-bit signed delay; longer token lifetimes are re-armed in steps.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One authenticated socket: it answers pings, ignores what it does not understand (never echoing it), closes
 * itself when its access token expires, and protects the server from clients that stop reading.
 */
export class SocketSession {
  private alive = true;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Arrival times of the client's messages within the last second. */
  private readonly received: number[] = [];

  constructor(
    readonly socket: WebSocket,
    readonly userId: number,
    tokenExpiresAtSeconds: number,
    private readonly limits: SessionLimits,
    private readonly log: FastifyBaseLogger,
  ) {
    socket.on("pong", () => {
      this.alive = true;
    });
    socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    this.armExpiry(tokenExpiresAtSeconds * 1000);
  }

  /** Called on every heartbeat tick: a socket that did not answer the previous ping is dead and is dropped. */
  heartbeat(): void {
    if (!this.alive) {
      this.log.debug({ userId: this.userId }, "websocket missed its heartbeat: terminated");
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  /** Sends already serialised JSON; false when the socket is closed or was just dropped as too slow. */
  send(json: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.log.warn(
        { userId: this.userId, buffered: this.socket.bufferedAmount },
        "slow websocket consumer dropped",
      );
      this.socket.close(CLOSE_CODES.slowConsumer, "client too slow");
      // The close frame queues behind the backlog; do not wait for a client that is not reading.
      this.socket.terminate();
      return false;
    }
    this.socket.send(json);
    return true;
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  dispose(): void {
    clearTimeout(this.expiryTimer);
  }

  private armExpiry(expiresAtMs: number): void {
    const remaining = expiresAtMs - Date.now();
    if (remaining <= 0) {
      this.close(CLOSE_CODES.unauthorized, "token expired");
      return;
    }
    this.expiryTimer = setTimeout(() => this.armExpiry(expiresAtMs), Math.min(remaining, MAX_TIMER_MS));
    this.expiryTimer.unref();
  }

  private receive(data: RawData, isBinary: boolean): void {
    // `ws` goes on reading the frames that arrived with the one that closed the socket (100,000 empty frames come in
    // one write): once closing, they are neither answered nor logged.
    if (this.socket.readyState !== this.socket.OPEN) return;
    // A sliding second: a client that floods the socket with messages (each one answered) is disconnected.
    const now = performance.now();
    while (this.received.length > 0 && (this.received[0] as number) <= now - 1000) this.received.shift();
    this.received.push(now);
    if (this.received.length > this.limits.maxMessagesPerSecond) {
      this.log.warn({ userId: this.userId }, "websocket client sent too many messages: closed");
      this.close(CLOSE_CODES.tooManyConnections, "too many messages");
      return;
    }
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      this.reply({ type: "error", code: "parse_error", detail: "Messages must be JSON." });
      return;
    }
    if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "ping") {
      this.reply({ type: "pong" });
      return;
    }
    this.reply({
      type: "error",
      code: "invalid",
      detail: 'Unknown message; the server understands {"type":"ping"}.',
    });
  }

  private reply(message: object): void {
    this.send(JSON.stringify(message));
  }
}
