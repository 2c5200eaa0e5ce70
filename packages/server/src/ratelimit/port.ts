/** The rate-limit port: one question per request, whichever store keeps the counts. */
import type { RateLimitRule } from "./rules.js";

/** Admitted; described by its tightest window, for the RateLimit-* headers. */
export interface Admitted {
  allowed: true;
  /** Requests that window still admits after this one. */
  remaining: number;
  /** Whole seconds (≥ 1) until its whole quota is back. */
  resetSeconds: number;
}

export interface Refused {
  allowed: false;
  /** Whole seconds (≥ 1) after which the same request will be admitted. */
  retryAfterSeconds: number;
}

export type RateLimitDecision = Admitted | Refused;

export interface RateLimiter {
  /** The windows it enforces, shortest first. */
  readonly rules: readonly RateLimitRule[];
  /**
   * Counts one request under `key` if every window has room for it, and says whether it may proceed. A refused
   * request counts in no window. Adapters reject when their store fails; the limiters of createRateLimitBackend
   * never do (they apply the configured fail mode instead).
   */
  consume(key: string): Promise<RateLimitDecision>;
}
