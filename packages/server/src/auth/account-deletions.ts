import type { FastifyBaseLogger } from "fastify";
import type { MarkedIds, Storage } from "../storage/index.js";
import { TombstonePoll } from "./tombstone-poll.js";

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
  readonly #poll: TombstonePoll<MarkedIds>;

  constructor(options: AccountDeletionsOptions) {
    this.#options = options;
    this.#poll = new TombstonePoll({
      storage: options.storage,
      log: options.log,
      what: "deleted accounts",
      read: (since) => options.storage.users.deletedSince(since),
      found: ({ ids }) => this.#found(ids),
      // An instance that starts after a deletion still refuses the access tokens issued before it.
      lookBackMs: options.accessTokenTtlMs,
      ...(options.pollIntervalMs === undefined ? {} : { intervalMs: options.pollIntervalMs }),
    });
  }

  start(): Promise<void> {
    return this.#poll.start();
  }

  close(): void {
    this.#poll.close();
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

  #found(ids: number[]): void {
    for (const id of ids) this.deleted(id);
    // Remembered as long as an access token issued before the deletion can still be valid.
    const forgetBefore = Date.now() - this.#options.accessTokenTtlMs - FORGET_MARGIN_MS;
    for (const [id, at] of this.#deleted) if (at < forgetBefore) this.#deleted.delete(id);
  }
}

const FORGET_MARGIN_MS = 5_000;
