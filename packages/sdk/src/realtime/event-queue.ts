/**
 * The events waiting for one `for await` loop. It buffers from its creation on; `end` finishes the loop, with an
 * error to throw from it or none. Leaving the loop early calls `onReturn`.
 */
export class EventQueue<T> implements AsyncIterator<T> {
  private readonly buffered: T[] = [];
  private waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  private ending: { error: Error | undefined } | undefined;

  constructor(private readonly onReturn: () => Promise<void>) {}

  push(value: T): void {
    if (this.ending) return;
    if (this.waiting) {
      this.waiting.resolve({ value, done: false });
      this.waiting = undefined;
    } else {
      this.buffered.push(value);
    }
  }

  end(error?: Error): void {
    if (this.ending) return;
    this.ending = { error };
    this.settleWaiting();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length > 0) return Promise.resolve({ value: this.buffered.shift() as T, done: false });
    if (this.ending) return this.finish();
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async return(): Promise<IteratorResult<T>> {
    this.buffered.length = 0;
    this.end();
    await this.onReturn();
    return { value: undefined, done: true };
  }

  /** Buffered events are delivered first; then the error once, then done. */
  private finish(): Promise<IteratorResult<T>> {
    const error = this.ending?.error;
    if (this.ending) this.ending.error = undefined;
    return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
  }

  private settleWaiting(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    this.finish().then(waiting.resolve, waiting.reject);
  }
}
