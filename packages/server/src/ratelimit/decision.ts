import type { RateLimitDecision } from "./port.js";
import type { RateLimitRule } from "./rules.js";

/** What a store found in one rule's window just before this request. */
export interface WindowState {
  /** Requests admitted within the window. */
  used: number;
  /** When the window is full: milliseconds until enough of them leave it for one more to fit. Else 0. */
  freeInMs: number;
  /** When the window is full: milliseconds until the newest of them leaves it, emptying it. Else 0. */
  drainInMs: number;
}

export const EMPTY_WINDOW: WindowState = { used: 0, freeInMs: 0, drainInMs: 0 };

/** Whole seconds for headers, rounded up so that a client waiting that long is never early. */
const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Turns the window states of one key into the answer; every store shares it so that they cannot disagree. The
 * request is admitted only when every window has room, and then counts in all of them.
 */
export function decide(rules: readonly RateLimitRule[], states: readonly WindowState[]): RateLimitDecision {
  const windows = rules.map((rule, index) => ({ rule, state: states[index] ?? EMPTY_WINDOW }));
  const allowed = windows.every(({ rule, state }) => state.used < rule.limit);
  const retryAfterMs = allowed ? 0 : Math.max(...windows.map(({ state }) => state.freeInMs));
  // An admitted request is the newest in every window, so each refills one full window from now.
  const described = windows.map(({ rule, state }) => ({
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - state.used - (allowed ? 1 : 0)),
    resetMs: allowed ? rule.windowMs : state.drainInMs,
  }));
  // The tightest window has the fewest requests left; of equals, the one slowest to refill, so that the headers
  // never promise a client more than the strictest window grants.
  const tightest = described.reduce((best, window) =>
    window.remaining < best.remaining ||
    (window.remaining === best.remaining && window.resetMs > best.resetMs)
      ? window
      : best,
  );
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : toSeconds(retryAfterMs),
    limit: tightest.limit,
    remaining: tightest.remaining,
    resetSeconds: toSeconds(tightest.resetMs),
  };
}
