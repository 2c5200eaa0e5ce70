/** The rate-limit port: one question per request, whichever store keeps the counts. */
import type { RateLimitRule } from "./rules.js";

/**
 * Admitted; described, for the RateLimit-* headers, by its tightest window: the requests it still admits after this
 * one, and whole seconds (≥ 1) until its whole quota is back.
 */
export type Admitted = { allowed: true; remaining: number; resetSeconds: number };

/**
 * Refused; the same request will be admitted after `retryAfterSeconds` (whole, ≥ 1). `rule` is the window that
 * refused it (the one that frees up last), for the RateLimit-* headers; absent when no window did (failing closed).
 */
export type Refused = { allowed: false; retryAfterSeconds: number; rule?: RateLimitRule };

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
