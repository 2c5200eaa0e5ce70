/** The rate-limit port: one question per request, whichever store keeps the counts. */

export interface RateLimitDecision {
  allowed: boolean;
  /** 0 when allowed; when denied, whole seconds (≥ 1) after which the same request will be allowed. */
  retryAfterSeconds: number;
  /** The rest describe the tightest window, for the RateLimit-* headers: its limit, */
  limit: number;
  /** the requests it still admits after this one, */
  remaining: number;
  /** and whole seconds (≥ 1) until its whole quota is back. */
  resetSeconds: number;
}

export interface RateLimiter {
  /**
   * Counts one request under `key` if every window has room for it, and says whether it may proceed. A denied
   * request counts in no window. Adapters reject when their store fails; the limiter that createRateLimiter
   * returns never does (it applies the configured fail mode instead).
   */
  consume(key: string): Promise<RateLimitDecision>;
  /** Releases the connection and timers the limiter owns. */
  close(): Promise<void>;
}
