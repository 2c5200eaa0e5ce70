import type { FastifyBaseLogger } from "fastify";
import type { Storage } from "../storage/index.js";

/**
 * A row's revoked_at or deleted_at is the start of the transaction that wrote it, which commits a little later: each
 * look reaches this far back before the previous one, so that no row is missed.
 */
const LOOK_OVERLAP_MS = 5_000;

export interface TombstonePollOptions<Marks extends { now: Date }> {
  storage: Storage;
  log: FastifyBaseLogger;
  /** What the poll looks for, for its warning when the database does not answer. */
  what: string;
  /** What was marked since `since`, and the database's clock when it was read. */
  read: (since: Date) => Promise<Marks>;
  /** Called with what a look found (the same mark may come again from the overlap). */
  found: (marks: Marks) => void;
  /** Default 500 ms, so that every instance knows within a second. */
  intervalMs?: number;
  /**
   * How far back the first look reaches: what was marked before this instance started and still matters to it (an
   * account deleted while its access tokens can still be valid). Default 0.
   */
  lookBackMs?: number;
}

/**
 * What other instances marked in the database (a session ended, a key revoked, an account deleted), read every
 * interval by the database's clock, so that instances whose clocks differ still agree. A look is skipped while the
 * previous one runs.
 */
export class TombstonePoll<Marks extends { now: Date }> {
  readonly #options: TombstonePollOptions<Marks>;
  #since: Date | undefined;
  #timer: NodeJS.Timeout | undefined;
  #looking = false;

  constructor(options: TombstonePollOptions<Marks>) {
    this.#options = options;
  }

  /** Reads what was marked within `lookBackMs`, then keeps looking. */
  async start(): Promise<void> {
    const now = await this.#options.storage.now();
    this.#since = new Date(now.getTime() - (this.#options.lookBackMs ?? 0));
    await this.#look();
    this.#timer = setInterval(() => void this.#look(), this.#options.intervalMs ?? 500);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #look(): Promise<void> {
    if (this.#looking || !this.#since) return;
    this.#looking = true;
    try {
      const marks = await this.#options.read(new Date(this.#since.getTime() - LOOK_OVERLAP_MS));
      this.#options.found(marks);
      this.#since = marks.now;
    } catch (error) {
      this.#options.log.warn({ err: error }, `could not look for ${this.#options.what}; retrying`);
    } finally {
      this.#looking = false;
    }
  }
}
