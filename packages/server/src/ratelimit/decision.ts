import type { Admitted, RateLimitDecision } from "./port.js";
import type { RateLimitRule } from "./rules.js";

/** What a store found in one rule's window just before this request. */
export interface WindowState {
  /** Requests admitted within the window. */
  used: number;
  /** When the window is full: milliseconds until enough of them leave it for one more to fit. Else 0. */
  freeInMs: number;
}

/** Whole seconds for headers, rounded up so that a client waiting that long is never early. */
const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Turns the window states of one key into the answer; every store shares it so that they cannot disagree. The
 * request is admitted only when every window has room, and then counts in all of them.
 */
export function decide(rules: readonly RateLimitRule[], states: readonly WindowState[]): RateLimitDecision {
  const windows = rules.map((rule, index) => ({ rule, state: states[index] ?? { used: 0, freeInMs: 0 } }));
  const full = windows.filter(({ rule, state }) => state.used >= rule.limit);
  if (full.length > 0) {
    const binding = full.reduce((a, b) => (b.state.freeInMs > a.state.freeInMs ? b : a));
    return { allowed: false, retryAfterSeconds: toSeconds(binding.state.freeInMs), rule: binding.rule };
  }
  // An admitted request is the newest in every window, so each refills one full window from now.
  return windows
    .map(
      ({ rule, state }): Admitted => ({
        allowed: true,
        remaining: rule.limit - state.used - 1,
        resetSeconds: toSeconds(rule.windowMs),
      }),
    )
    .reduce(tighter);
}

/**
 * Of two descriptions of one admitted request, the one closer to refusing: fewer requests left; of equals, the
 * slower to refill, so that the headers never promise a client more than the strictest window grants.
 */
export function tighter(a: Admitted, b: Admitted): Admitted {
  return b.remaining < a.remaining || (b.remaining === a.remaining && b.resetSeconds > a.resetSeconds)
    ? b
    : a;
}
