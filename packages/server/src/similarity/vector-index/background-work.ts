/**
 * Long jobs (training and filling a user's IVF index: seconds at 100k vectors) run on the main thread in slices of a
 * few milliseconds between requests, rather than blocking one request for seconds: the indexes are synchronous
 * native objects that a worker thread could not share. Jobs are generators; each `next()` is one short step. One job
 * runs at a time, in the order they were queued. Pending work does not keep the process alive, unless something awaits
 * settled(): a server that stops need not finish partitioning an index it is about to drop.
 */

/** How long a slice runs before it lets the event loop serve I/O again. */
const SLICE_MS = 8;

export interface BackgroundJob {
  /** Drops the job if it has not finished; it takes no further step. */
  cancel(): void;
}

export class BackgroundWork {
  private readonly queue: Array<{ steps: Iterator<unknown>; cancelled: boolean }> = [];
  private waiting: Array<() => void> = [];
  private next: NodeJS.Immediate | undefined;

  /** `onError` hears of a step that threw; its job is dropped, and the others go on. */
  constructor(private readonly onError: (error: unknown) => void) {}

  run(steps: Iterator<unknown>): BackgroundJob {
    const job = { steps, cancelled: false };
    this.queue.push(job);
    this.schedule();
    return {
      cancel: () => {
        job.cancelled = true;
      },
    };
  }

  /** Resolves once every queued job has finished or been cancelled. */
  settled(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    this.next?.ref();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private schedule(): void {
    if (this.next) return;
    this.next = setImmediate(() => this.slice());
    if (this.waiting.length === 0) this.next.unref();
  }

  private slice(): void {
    this.next = undefined;
    const deadline = performance.now() + SLICE_MS;
    while (this.queue.length > 0 && performance.now() < deadline) {
      const job = this.queue[0] as { steps: Iterator<unknown>; cancelled: boolean };
      let done = job.cancelled;
      try {
        done ||= job.steps.next().done === true;
      } catch (error) {
        done = true;
        this.onError(error);
      }
      if (done) this.queue.shift();
    }
    if (this.queue.length > 0) {
      this.schedule();
      return;
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
