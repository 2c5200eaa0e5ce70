import type { FastifyBaseLogger } from "fastify";
import type { Storage } from "../storage/index.js";

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
  #lastLook: Date | undefined;
  /**
   * The database's clock minus this instance's, as measured at the last look: instances compare times by the
   * database's clock only, since their own may differ by seconds.
   */
  #clockOffsetMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #looking = false;

  constructor(options: SessionRevocationsOptions) {
    this.#options = options;
  }

  /** Reads the sessions revoked within an access token's lifetime, then keeps looking. */
  async start(): Promise<void> {
    const { accessTokenTtlMs, pollIntervalMs = 500 } = this.#options;
    const now = await this.#databaseNow();
    this.#lastLook = new Date(now.getTime() - accessTokenTtlMs);
    await this.#look();
    this.#timer = setInterval(() => void this.#look(), pollIntervalMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
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

  async #look(): Promise<void> {
    const { storage, log, accessTokenTtlMs } = this.#options;
    if (this.#looking || !this.#lastLook) return;
    this.#looking = true;
    try {
      const now = await this.#databaseNow();
      // Overlapping looks: revoked_at is the start of the revoking transaction, which commits a little later.
      const since = new Date(this.#lastLook.getTime() - LOOK_OVERLAP_MS);
      for (const { familyId, revokedAt } of await storage.refreshTokens.revokedSince(since)) {
        this.revoke(familyId, revokedAt.getTime());
      }
      this.#lastLook = now;
      const forgetBefore = now.getTime() - accessTokenTtlMs - LOOK_OVERLAP_MS;
      for (const [session, at] of this.#revoked) if (at < forgetBefore) this.#revoked.delete(session);
    } catch (error) {
      log.warn({ err: error }, "could not look for revoked sessions; retrying");
    } finally {
      this.#looking = false;
    }
  }

  async #databaseNow(): Promise<Date> {
    const now = await this.#options.storage.now();
    this.#clockOffsetMs = now.getTime() - Date.now();
    return now;
  }
}

const LOOK_OVERLAP_MS = 5_000;
