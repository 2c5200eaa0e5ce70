import { abortable } from "../core/abort.js";
import type { AccessTokenSource } from "../core/http.js";
import { AuthenticationError } from "../errors.js";
import type { TokenPair } from "../generated/api.js";
import { expiresSoon } from "./jwt.js";

/**
 * Where tokens live between runs (the CLI keeps them in a file). The client reads them when it first needs a
 * token, and again before each refresh, since another process sharing the store may have rotated them.
 */
export interface TokenStore {
  load?(): TokenPair | null | undefined | Promise<TokenPair | null | undefined>;
  /** Called with the new pair after a login and after every refresh, and with null after a logout. */
  save(tokens: TokenPair | null): void | Promise<void>;
}

/** Returns the current access token; called before every request and every reconnection of the event stream. */
export type AccessTokenProvider = () => string | undefined | Promise<string | undefined>;

interface TokenManagerOptions {
  accessToken?: string | AccessTokenProvider | undefined;
  refreshToken?: string | undefined;
  store?: TokenStore | undefined;
  /** Trades a refresh token for a new pair (POST /api/auth/refresh/). */
  exchange(refreshToken: string): Promise<TokenPair>;
}

const noRefreshToken = () =>
  new AuthenticationError(401, { code: "not_authenticated", detail: "No refresh token: log in first." });

/**
 * Holds the session's tokens. It refreshes the access token shortly before it expires and when the server
 * rejects it, and makes concurrent callers share one refresh: a refresh token works once, and presenting it twice
 * makes the server revoke the whole session.
 */
export class TokenManager implements AccessTokenSource {
  private access: string | undefined;
  private refresh: string | undefined;
  private readonly provider: AccessTokenProvider | undefined;
  /** The tokens were read from or written to the store, so another process sharing it may rotate them. */
  private storeBacked = false;
  private loading: Promise<void> | undefined;
  private refreshing: Promise<TokenPair> | undefined;

  constructor(private readonly options: TokenManagerOptions) {
    if (typeof options.accessToken === "function") this.provider = options.accessToken;
    else this.access = options.accessToken;
    this.refresh = options.refreshToken;
  }

  async accessToken(signal?: AbortSignal): Promise<string | undefined> {
    await abortable(this.load(), signal);
    if (!this.hasSession()) return this.provider?.();
    if (this.refresh !== undefined && (this.access === undefined || expiresSoon(this.access))) {
      return (await this.rotate(signal)).access;
    }
    return this.access;
  }

  async refreshAfterRejection(rejected: string, signal?: AbortSignal): Promise<string | undefined> {
    await abortable(this.load(), signal);
    if (!this.hasSession()) {
      const token = await this.provider?.();
      return token === rejected ? undefined : token;
    }
    // Another call refreshed while this one was waiting for its answer.
    if (this.access !== undefined && this.access !== rejected) return this.access;
    if (this.refresh === undefined) return undefined;
    return (await this.rotate(signal)).access;
  }

  async refreshToken(): Promise<string | undefined> {
    await this.load();
    return this.refresh;
  }

  /** Trades the refresh token for a new pair, sharing one exchange between concurrent callers. */
  rotate(signal?: AbortSignal): Promise<TokenPair> {
    this.refreshing ??= this.exchange().finally(() => {
      this.refreshing = undefined;
    });
    // A caller that gives up does not cancel the exchange: the others still wait for it.
    return abortable(this.refreshing, signal);
  }

  /** Adopts a new session (after a login or a refresh) and saves it. */
  async set(tokens: TokenPair): Promise<void> {
    this.access = tokens.access;
    this.refresh = tokens.refresh;
    if (this.options.store) {
      this.storeBacked = true;
      await this.options.store.save(tokens);
    }
  }

  /** Forgets the session (after a logout), in the store too. */
  async clear(): Promise<void> {
    this.access = undefined;
    this.refresh = undefined;
    await this.options.store?.save(null);
  }

  private hasSession(): boolean {
    return this.access !== undefined || this.refresh !== undefined;
  }

  /** Reads the store once, unless tokens were given: those win, as `gh` prefers GH_TOKEN to its stored login. */
  private load(): Promise<void> {
    const store = this.options.store;
    if (this.hasSession() || this.provider || !store?.load) return Promise.resolve();
    this.loading ??= (async () => {
      const stored = await store.load?.();
      if (stored && !this.hasSession()) {
        this.access = stored.access;
        this.refresh = stored.refresh;
        this.storeBacked = true;
      }
    })().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async exchange(): Promise<TokenPair> {
    const stored = this.storeBacked ? await this.options.store?.load?.() : undefined;
    if (stored && stored.refresh !== this.refresh) {
      // Another process rotated the session: our refresh token is spent, and presenting it would revoke theirs.
      this.access = stored.access;
      this.refresh = stored.refresh;
      if (!expiresSoon(stored.access)) return stored;
    }
    if (this.refresh === undefined) throw noRefreshToken();
    const tokens = await this.options.exchange(this.refresh);
    await this.set(tokens);
    return tokens;
  }
}
