import { type Backoff, backoffDelayMs, CLOSE_CODES } from "@prompt-service/protocol";
import { sleep } from "../core/abort.js";
import type { AccessTokenSource } from "../core/http.js";
import { isRetryable } from "../core/retry.js";
import { AuthenticationError, ConnectionError, PromptServiceError } from "../errors.js";
import type { PromptEvent } from "../generated/api.js";
import { actionOnClose } from "./close-codes.js";
import { Emitter } from "./emitter.js";
import { EventQueue } from "./event-queue.js";
import { parseServerMessage } from "./events.js";
import { Heartbeat } from "./heartbeat.js";
import { ABNORMAL_CLOSURE, type OpenSocket, type Socket } from "./sockets/socket.js";

export interface ReconnectOptions {
  /** Reconnections in a row before the stream gives up with a ConnectionError. Defaults to Infinity. */
  maxAttempts?: number;
  /** Delay before the first reconnection, in ms, doubled (with jitter) for each failed one after. Defaults to 500. */
  initialDelay?: number;
  /** Ceiling of that delay, in ms. Defaults to 30 000. */
  maxDelay?: number;
}

export interface EventStreamOptions {
  /** Closes the stream when aborted. */
  signal?: AbortSignal;
  reconnect?: ReconnectOptions;
  /**
   * How often to check that the connection is alive, in ms: a ping each time, and a reconnection when nothing
   * arrived since the previous one. 0 disables the check. Defaults to 30 000.
   */
  heartbeatInterval?: number;
}

export interface ReconnectInfo {
  /** 1 for the first reconnection after a connection that had been stable, counting up while they fail. */
  attempt: number;
  delayMs: number;
  /** How the previous connection ended: its close code and reason. */
  code: number;
  reason: string;
}

/** What `on` accepts: the kinds of events by their `event` name, and the life of the stream. */
export type EventStreamListeners = {
  [Event in PromptEvent as Event["event"]]: (data: Event["data"], event: Event) => void;
} & {
  /** Every event, whatever its kind. */
  event: (event: PromptEvent) => void;
  /** A connection opened: the first one, and each reconnection. */
  open: () => void;
  /** The connection ended; the next attempt starts in `delayMs`. */
  reconnecting: (info: ReconnectInfo) => void;
  /** The stream ended for good: `error` says why, undefined when it was closed. */
  close: (error: PromptServiceError | undefined) => void;
};

/** What the client gives a stream: where to connect, the tokens, and how to open a socket. */
interface EventStreamContext {
  url: string;
  tokens: AccessTokenSource;
  openSocket: OpenSocket;
}

interface Closed {
  code: number;
  reason: string;
  /** How long the connection was open; undefined when it never opened. */
  openForMs: number | undefined;
}

const NORMAL_CLOSURE = 1000;
const PING = JSON.stringify({ type: "ping" });
const DEFAULT_HEARTBEAT_MS = 30_000;
/** A connection that lasted this long was healthy: the next failure starts the backoff over. */
const STABLE_CONNECTION_MS = 5_000;
/** How long `close()` waits for the server's half of the closing handshake. */
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * The error that ends a stream the server refused. A deleted account's credentials never work again: that is an
 * AuthenticationError (status 410, as the close code 4410 mirrors), not a connection to retry.
 */
function refusal(closed: Closed): PromptServiceError {
  if (closed.code === CLOSE_CODES.accountDeleted) {
    return new AuthenticationError(410, {
      code: "account_deleted",
      detail: "The account was deleted: its event stream is closed for good.",
    });
  }
  return new ConnectionError(`The server ended the event stream: ${closed.code} ${closed.reason}`.trim());
}

/**
 * The live events of the logged-in user. Iterate it (`for await`), or listen with `on`; it reconnects by itself,
 * with a fresh access token each time, until `close()`, its signal, or a refusal from the server ends it. Events
 * sent while it was reconnecting are not replayed.
 */
export class EventStream implements AsyncIterable<PromptEvent> {
  private readonly emitter = new Emitter<EventStreamListeners>();
  private readonly queues = new Set<EventQueue<PromptEvent>>();
  private readonly stopping = new AbortController();
  private readonly backoff: Backoff;
  private readonly maxAttempts: number;
  private socket: Socket | undefined;
  private connected = false;
  private ended: { error: PromptServiceError | undefined } | undefined;
  private readonly finished: Promise<void>;

  constructor(
    private readonly context: EventStreamContext,
    private readonly options: EventStreamOptions = {},
  ) {
    const { reconnect = {}, signal } = options;
    this.backoff = {
      initialDelayMs: reconnect.initialDelay ?? 500,
      maxDelayMs: reconnect.maxDelay ?? 30_000,
    };
    this.maxAttempts = reconnect.maxAttempts ?? Number.POSITIVE_INFINITY;
    if (signal?.aborted) this.stopping.abort();
    else signal?.addEventListener("abort", () => void this.close(), { once: true });
    this.finished = this.run();
  }

  /** Adds a listener; returns the function that removes it. */
  on<Name extends keyof EventStreamListeners>(name: Name, listener: EventStreamListeners[Name]): () => void {
    return this.emitter.on(name, listener);
  }

  /** Resolves once connected (at once if it is); rejects if the stream ends first. */
  ready(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.ended)
      return Promise.reject(this.ended.error ?? new ConnectionError("The event stream is closed."));
    return new Promise((resolve, reject) => {
      const settle = () => {
        removeOpen();
        removeClose();
      };
      const removeOpen = this.on("open", () => {
        settle();
        resolve();
      });
      const removeClose = this.on("close", (error) => {
        settle();
        reject(error ?? new ConnectionError("The event stream was closed before it connected."));
      });
    });
  }

  /** Ends the stream: closes the connection cleanly and finishes every `for await` loop over it. */
  async close(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      this.stopping.abort();
      const socket = this.socket;
      socket?.close(NORMAL_CLOSURE, "client closed");
      // A server that never answers the closing handshake does not get to hold the caller up.
      const force = setTimeout(() => socket?.terminate(), CLOSE_TIMEOUT_MS);
      await this.finished;
      clearTimeout(force);
    }
    await this.finished;
  }

  /** Events from now on. Leaving the loop early (`break`) closes the stream. */
  [Symbol.asyncIterator](): AsyncIterator<PromptEvent> {
    const queue: EventQueue<PromptEvent> = new EventQueue(() => {
      this.queues.delete(queue);
      return this.close();
    });
    if (this.ended) queue.end(this.ended.error);
    else this.queues.add(queue);
    return queue;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let rejected: string | undefined;
    let failure: PromptServiceError | undefined;
    try {
      while (!this.stopped) {
        const { token, closed } = await this.connectOnce(rejected);
        if (this.stopped) break;
        const action = actionOnClose(closed.code);
        if (action === "stop") throw refusal(closed);
        // A token that expired under an open connection is no failure: come back at once, to miss few events.
        // One refused at the upgrade backs off like any failed attempt.
        const expiredWhileOpen = action === "refresh" && closed.openForMs !== undefined;
        if (expiredWhileOpen || (closed.openForMs ?? 0) >= STABLE_CONNECTION_MS) attempt = 0;
        if (attempt >= this.maxAttempts) {
          throw new ConnectionError(
            `Gave up reconnecting after ${attempt} attempts; the last ended with ${closed.code} ${closed.reason}`.trim(),
          );
        }
        rejected = action === "refresh" ? token : undefined;
        const delayMs = expiredWhileOpen ? 0 : backoffDelayMs(attempt, this.backoff);
        attempt += 1;
        this.emitter.emit("reconnecting", { attempt, delayMs, code: closed.code, reason: closed.reason });
        await sleep(delayMs, this.stopping.signal);
      }
    } catch (error) {
      if (!this.stopped) {
        failure =
          error instanceof PromptServiceError ? error : new ConnectionError(String(error), { cause: error });
      }
    }
    this.end(failure);
  }

  /**
   * One connection, from getting a token (a fresh one when the server refused `rejected`) to the socket's close.
   * A token that cannot be had for a passing reason, such as the server restarting, counts as a lost connection.
   */
  private async connectOnce(rejected: string | undefined): Promise<{ token?: string; closed: Closed }> {
    const { tokens } = this.context;
    const signal = this.stopping.signal;
    let token: string | undefined;
    try {
      token =
        rejected === undefined
          ? await tokens.accessToken(signal)
          : await tokens.refreshAfterRejection(rejected, signal);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      return { closed: { code: ABNORMAL_CLOSURE, reason: (error as Error).message, openForMs: undefined } };
    }
    if (token === undefined) {
      throw new AuthenticationError(401, {
        code: "not_authenticated",
        detail: rejected
          ? "The server refused the access token and there is no refresh token to get another: log in again."
          : "Not logged in: log in first, or give the client an access token.",
      });
    }
    if (this.stopped)
      return { token, closed: { code: NORMAL_CLOSURE, reason: "client closed", openForMs: undefined } };
    return { token, closed: await this.connect(token) };
  }

  private connect(token: string): Promise<Closed> {
    return new Promise((resolve) => {
      let openedAt: number | undefined;
      const heartbeat = new Heartbeat(
        this.options.heartbeatInterval ?? DEFAULT_HEARTBEAT_MS,
        () => socket.send(PING),
        () => socket.terminate(),
      );
      const socket = this.context.openSocket(this.context.url, token, {
        open: () => {
          openedAt = Date.now();
          this.connected = true;
          heartbeat.start();
          this.emitter.emit("open");
        },
        message: (text) => {
          heartbeat.received();
          const event = parseServerMessage(text);
          if (event) this.dispatch(event);
        },
        close: (code, reason) => {
          heartbeat.stop();
          this.connected = false;
          this.socket = undefined;
          resolve({ code, reason, openForMs: openedAt === undefined ? undefined : Date.now() - openedAt });
        },
      });
      this.socket = socket;
    });
  }

  private dispatch(event: PromptEvent): void {
    for (const queue of this.queues) queue.push(event);
    this.emitter.emit("event", event);
    this.emitter.emit(event.event, event.data as never, event as never);
  }

  private end(error: PromptServiceError | undefined): void {
    this.ended = { error };
    for (const queue of this.queues) queue.end(error);
    this.queues.clear();
    this.emitter.emit("close", error);
  }
}
