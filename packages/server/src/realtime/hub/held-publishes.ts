export interface HeldPublishesOptions {
  /** Most messages held at once; past it a publish is refused at once. */
  limit: number;
  /** How long a message is held before its publish fails. */
  holdMs: number;
}

interface Held {
  channel: string;
  message: string;
  resolve(): void;
  reject(reason: Error): void;
  timer: NodeJS.Timeout;
}

/** A held publish that could not be sent: the buffer was full, its time ran out, or the hub closed. */
export class NotSentError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "NotSentError";
  }
}

/**
 * Publishes waiting, in order, for the Redis connection to come back: in the second after Redis returns, the client is
 * still reconnecting, and an event refused then would be lost although its prompt was stored. Bounded in count and in
 * time, so that a Redis that stays away costs neither memory nor requests that wait for long.
 */
export class HeldPublishes {
  readonly #options: HeldPublishesOptions;
  readonly #queue: Held[] = [];
  #flushing = false;

  constructor(options: HeldPublishesOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#queue.length;
  }

  /** Resolves once `send` (see flush) has published the message; rejects with NotSentError. */
  hold(channel: string, message: string): Promise<void> {
    if (this.#queue.length >= this.#options.limit) {
      return Promise.reject(new NotSentError(`${this.#options.limit} events already wait for Redis`));
    }
    return new Promise<void>((resolve, reject) => {
      const held: Held = {
        channel,
        message,
        resolve,
        reject,
        timer: setTimeout(() => {
          const position = this.#queue.indexOf(held);
          if (position === -1) return;
          this.#queue.splice(position, 1);
          reject(new NotSentError(`Redis did not come back within ${this.#options.holdMs} ms`));
        }, this.#options.holdMs),
      };
      held.timer.unref();
      this.#queue.push(held);
    });
  }

  /**
   * Sends the held messages in order, one at a time; stops at the first that fails (the connection went away
   * again), which stays held, first in line, until its time runs out.
   */
  async flush(send: (channel: string, message: string) => Promise<unknown>): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      for (let next = this.#queue[0]; next; next = this.#queue[0]) {
        try {
          await send(next.channel, next.message);
        } catch {
          return;
        }
        // Its time may have run out while it was being sent: it was published all the same.
        if (this.#queue[0] === next) this.#queue.shift();
        clearTimeout(next.timer);
        next.resolve();
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Refuses every held message: the hub is closing. */
  rejectAll(reason: string): void {
    for (const held of this.#queue.splice(0)) {
      clearTimeout(held.timer);
      held.reject(new NotSentError(reason));
    }
  }
}
