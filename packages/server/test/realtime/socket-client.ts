import WebSocket, { type ClientOptions } from "ws";

/** A `ws` client that records every message and its close, for assertions on real sockets. */
export class RecordingSocket {
  readonly messages: Array<Record<string, unknown>> = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
      this.wake();
    });
    socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, protocols?: string[], options?: ClientOptions): Promise<RecordingSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, options);
      const recording = new RecordingSocket(socket);
      socket.once("open", () => resolve(recording));
      socket.once("unexpected-response", (_request, response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk;
        });
        response.on("end", () =>
          reject(
            Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode, body }),
          ),
        );
      });
      socket.once("error", reject);
    });
  }

  /** Resolves when `predicate` holds for the messages so far (or the close), or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const last = JSON.stringify(this.messages.at(-1) ?? null).slice(0, 300);
        throw new Error(`timed out after ${this.messages.length} messages (last: ${last})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }> {
    return this.waitFor(() => this.closed !== undefined, timeoutMs).then(
      () => this.closed as { code: number; reason: string },
    );
  }

  send(data: string): void {
    this.socket.send(data);
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
