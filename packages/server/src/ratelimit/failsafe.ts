import { decide } from "./decision.js";
import type { RateLimitDecision, RateLimiter } from "./port.js";

/** What to answer while the store fails: admit every request ("open") or refuse it for a moment ("closed"). */
export type FailMode = "open" | "closed";

/**
 * Seconds a client is asked to wait while the store fails closed: short, because the store may come back any
 * moment and well-behaved clients do wait that long.
 */
export const FAIL_CLOSED_RETRY_SECONDS = 1;

interface FailSafeOptions {
  failMode: FailMode;
  /** Told about every failed consume; whatever it throws is ignored. */
  onStoreError: (error: Error) => void;
}

/**
 * Wraps a store that may fail so that consume never rejects: failures are reported and the fail mode answers.
 * (@fastify/rate-limit's skipOnError can only let requests through, and then with headers that describe no window.)
 */
export function withFailMode(store: RateLimiter, options: FailSafeOptions): RateLimiter {
  // Nothing is known about the counts: fail open answers as for a key's first request (no window state: every
  // window empty), fail closed as for a full window that frees up shortly.
  const fallback: RateLimitDecision =
    options.failMode === "open"
      ? decide(store.rules, [])
      : { allowed: false, retryAfterSeconds: FAIL_CLOSED_RETRY_SECONDS };
  return {
    rules: store.rules,
    async consume(key) {
      try {
        return await store.consume(key);
      } catch (error) {
        report(options.onStoreError, error);
        return { ...fallback };
      }
    },
  };
}

function report(onStoreError: (error: Error) => void, error: unknown): void {
  try {
    onStoreError(error instanceof Error ? error : new Error(String(error)));
  } catch {
    // A failing logger must not turn a throttle check into a failed request.
  }
}
