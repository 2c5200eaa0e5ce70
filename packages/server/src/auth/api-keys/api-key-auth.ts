import type { FastifyBaseLogger } from "fastify";
import { LRUCache } from "lru-cache";
import { InvalidTokenError } from "../../errors.js";
import type { ApiKeyRecord, MarkedIds, Storage } from "../../storage/index.js";
import type { SessionRevocations } from "../session-revocations.js";
import { TombstonePoll } from "../tombstone-poll.js";
import { hashKey, isWellFormedKey } from "./key-material.js";

interface ApiKeyAuthOptions {
  storage: Storage;
  revocations: SessionRevocations;
  log: FastifyBaseLogger;
  /** How often to look for keys other instances revoked. Default 500 ms, so a revocation is everywhere within 1 s. */
  pollIntervalMs?: number;
  /** last_used_at is written at most this often per key. Default one minute. */
  touchIntervalMs?: number;
}

/** The user a key acts as, and the session its sockets are closed by when the key is revoked. */
interface KeyCaller {
  userId: number;
  keyId: number;
  session: string;
  /** Seconds since the epoch; Infinity for a key that never expires. */
  exp: number;
}

/** The session id of a key: sockets opened with the key close when this session ends. */
const keySession = (keyId: number): string => `key:${keyId}`;

/**
 * Verifies API keys. A key is looked up by its hash once, then remembered under the key itself, as verified access
 * tokens are (TokenService), so that a warm key costs neither a database round trip nor a hash: hashing every request
 * made a key-authenticated request cost 0.70–0.83 of a JWT-authenticated one (bench key-overhead). What could make a
 * remembered key wrong is handled apart: its expiry is checked on every use, and its revocation is learnt at once on
 * this instance and, on the others, from the database within a poll interval (revoked_at, by the database's clock).
 */
export class ApiKeyAuth {
  readonly #options: ApiKeyAuthOptions;
  /** Key → its record, for the keys in use. */
  readonly #known = new LRUCache<string, ApiKeyRecord>({
    max: 10_000,
    dispose: (record) => this.#keyOf.delete(record.id),
  });
  /** Lookups under way, by key. */
  readonly #lookups = new Map<string, Promise<ApiKeyRecord | undefined>>();
  /** Key id → the key it is remembered under, so that a revocation by id can forget it. */
  readonly #keyOf = new Map<number, string>();
  /** Key id → when its last_used_at was last written (ms since the epoch). */
  readonly #touched = new LRUCache<number, number>({ max: 10_000 });
  readonly #poll: TombstonePoll<MarkedIds>;

  constructor(options: ApiKeyAuthOptions) {
    this.#options = options;
    this.#poll = new TombstonePoll({
      storage: options.storage,
      log: options.log,
      what: "revoked API keys",
      read: (since) => options.storage.apiKeys.revokedSince(since),
      found: ({ ids }) => {
        for (const id of ids) this.forget(id);
      },
      ...(options.pollIntervalMs === undefined ? {} : { intervalMs: options.pollIntervalMs }),
    });
  }

  start(): Promise<void> {
    return this.#poll.start();
  }

  close(): void {
    this.#poll.close();
  }

  /** Throws InvalidTokenError for a malformed, unknown, revoked or expired key. */
  async verify(key: string): Promise<KeyCaller> {
    if (!isWellFormedKey(key)) throw new InvalidTokenError("API key is invalid.");
    // A key not in use here, known to the database or not, is hashed and looked up the same way: the time taken
    // says nothing of whether its prefix exists.
    const record = this.#known.get(key) ?? (await this.#lookUp(key));
    if (!record) throw new InvalidTokenError("API key is invalid, revoked or expired.");
    if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) {
      this.forget(record.id);
      throw new InvalidTokenError("API key is invalid, revoked or expired.");
    }
    this.#touch(record.id);
    return {
      userId: record.userId,
      keyId: record.id,
      session: keySession(record.id),
      exp: record.expiresAt ? record.expiresAt.getTime() / 1000 : Number.POSITIVE_INFINITY,
    };
  }

  /**
   * One database lookup per key however many of its requests arrive before the first answer: an app that starts
   * with many calls at once would otherwise send them all to the database (measured: 29 cold lookups on PostgreSQL).
   */
  #lookUp(key: string): Promise<ApiKeyRecord | undefined> {
    const pending = this.#lookups.get(key);
    if (pending) return pending;
    const lookup = this.#options.storage.apiKeys
      .findLive(hashKey(key))
      .then((record) => {
        if (record) {
          this.#known.set(key, record);
          this.#keyOf.set(record.id, key);
        }
        return record;
      })
      .finally(() => this.#lookups.delete(key));
    this.#lookups.set(key, lookup);
    return lookup;
  }

  /** A key revoked here or elsewhere: refused from now on, and its sockets closed. */
  forget(keyId: number): void {
    const key = this.#keyOf.get(keyId);
    if (key) this.#known.delete(key);
    this.#options.revocations.revoke(keySession(keyId));
  }

  /** Forgets the keys of a deleted account, whose rows went with it. */
  forgetUser(userId: number): void {
    for (const [key, record] of this.#known.entries()) if (record.userId === userId) this.#known.delete(key);
  }

  #touch(keyId: number): void {
    const now = Date.now();
    const last = this.#touched.get(keyId);
    if (last !== undefined && now - last < (this.#options.touchIntervalMs ?? 60_000)) return;
    this.#touched.set(keyId, now);
    this.#options.storage.apiKeys
      .touch(keyId)
      .catch((error: unknown) =>
        this.#options.log.warn({ err: error, keyId }, "could not record a key's use"),
      );
  }
}
