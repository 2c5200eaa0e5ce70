import type { FastifyBaseLogger } from "fastify";
import type { Storage } from "../storage/index.js";
import { TombstonePoll } from "./tombstone-poll.js";

export interface SessionRevocationsOptions {
  storage: Storage;
  log: FastifyBaseLogger;
  /** Access tokens live this long: a revoked session is remembered as long as one of its tokens can be valid. */
  accessTokenTtlMs: number;
  /** How often to look for sessions other instances revoked. Default 500 ms. */
  pollIntervalMs?: number;
}

/**
 * Which sessions (refresh-token families) have ended, so that their access tokens are refused and their sockets
 * closed at once rather than when the tokens expire. A logout on this instance is known here immediately; one on
 * another instance is read from the database within a poll interval, as revoked_at of the family's tokens, so that
 * no Redis is needed for it. A session is forgotten once every access token it was given has expired.
 */
export class SessionRevocations {
  readonly #options: SessionRevocationsOptions;
  /** Session id → when it was revoked (ms since the epoch, by the database's clock). */
  readonly #revoked = new Map<string, number>();
  readonly #listeners = new Set<(session: string) => void>();
  /**
   * The database's clock minus this instance's, as measured at the last look: instances compare times by the
   * database's clock only, since their own may differ by seconds.
   */
  #clockOffsetMs = 0;
  readonly #poll: TombstonePoll<RevokedSessions>;

  constructor(options: SessionRevocationsOptions) {
    this.#options = options;
    this.#poll = new TombstonePoll({
      storage: options.storage,
      log: options.log,
      what: "revoked sessions",
      read: async (since) => {
        const now = await options.storage.now();
        this.#clockOffsetMs = now.getTime() - Date.now();
        return { now, revoked: await options.storage.refreshTokens.revokedSince(since) };
      },
      found: (revocations) => this.#found(revocations),
      // The sessions revoked within an access token's lifetime, whose tokens could still be presented here.
      lookBackMs: options.accessTokenTtlMs,
      ...(options.pollIntervalMs === undefined ? {} : { intervalMs: options.pollIntervalMs }),
    });
  }

  /** Reads the sessions revoked within an access token's lifetime, then keeps looking. */
  start(): Promise<void> {
    return this.#poll.start();
  }

  close(): void {
    this.#poll.close();
  }

  has(session: string): boolean {
    return this.#revoked.has(session);
  }

  /** Records a session this instance revoked, and tells the listeners (its sockets) now. */
  revoke(session: string, at = Date.now() + this.#clockOffsetMs): void {
    if (this.#revoked.has(session)) return;
    this.#revoked.set(session, at);
    for (const listener of this.#listeners) listener(session);
  }

  /** Called with every session revoked from now on, here or on another instance. */
  onRevoked(listener: (session: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #found({ now, revoked }: RevokedSessions): void {
    for (const { familyId, revokedAt } of revoked) this.revoke(familyId, revokedAt.getTime());
    // Remembered as long as an access token of the session can still be valid.
    const forgetBefore = now.getTime() - this.#options.accessTokenTtlMs - FORGET_MARGIN_MS;
    for (const [session, at] of this.#revoked) if (at < forgetBefore) this.#revoked.delete(session);
  }
}

/** What one look read: the refresh-token families revoked since, and the database's clock. */
interface RevokedSessions {
  now: Date;
  revoked: Array<{ familyId: string; revokedAt: Date }>;
}

const FORGET_MARGIN_MS = 5_000;
