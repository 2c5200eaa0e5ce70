import type { FastifyBaseLogger } from "fastify";
import type { Storage } from "../storage/index.js";

interface AccountDeletionsOptions {
  storage: Storage;
  log: FastifyBaseLogger;
  /** A deleted user is remembered as long as one of their access tokens can still be valid. */
  accessTokenTtlMs: number;
  /** How often to look for accounts other instances deleted. Default 500 ms, so that all agree within 1 s. */
  pollIntervalMs?: number;
}

/**
 * Which users have deleted their account, so that every credential they held (access tokens, which no database row
 * backs, and keys this instance remembers) is refused and their sockets closed at once. A deletion on this instance
 * is known immediately; one on another instance from the tombstone it left (account_deletions), by the database's
 * clock, within a poll interval.
 */
export class AccountDeletions {
  readonly #options: AccountDeletionsOptions;
  /** User id → when this instance learnt of the deletion (ms since the epoch). */
  readonly #deleted = new Map<number, number>();
  readonly #listeners = new Set<(userId: number) => void>();
  #since: Date | undefined;
  #timer: NodeJS.Timeout | undefined;
  #looking = false;

  constructor(options: AccountDeletionsOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#since = await this.#options.storage.now();
    this.#timer = setInterval(() => void this.#look(), this.#options.pollIntervalMs ?? 500);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  has(userId: number): boolean {
    return this.#deleted.has(userId);
  }

  /** Records a deletion and tells the listeners (the user's sockets, the indexes) now. */
  deleted(userId: number): void {
    if (this.#deleted.has(userId)) return;
    this.#deleted.set(userId, Date.now());
    for (const listener of this.#listeners) listener(userId);
  }

  onDeleted(listener: (userId: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #look(): Promise<void> {
    if (this.#looking || !this.#since) return;
    this.#looking = true;
    try {
      // Overlapping looks: deleted_at is the start of the deleting transaction, which commits a little later.
      const since = new Date(this.#since.getTime() - LOOK_OVERLAP_MS);
      const { now, ids } = await this.#options.storage.users.deletedSince(since);
      for (const id of ids) this.deleted(id);
      this.#since = now;
      const forgetBefore = Date.now() - this.#options.accessTokenTtlMs - LOOK_OVERLAP_MS;
      for (const [id, at] of this.#deleted) if (at < forgetBefore) this.#deleted.delete(id);
    } catch (error) {
      this.#options.log.warn({ err: error }, "could not look for deleted accounts; retrying");
    } finally {
      this.#looking = false;
    }
  }
}

const LOOK_OVERLAP_MS = 5_000;
