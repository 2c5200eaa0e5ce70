import ms from "ms";
import { ConfigError } from "../errors.js";

/** At most `limit` requests in any `windowMs`-long span of time. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

// "<count>/<unit>" or "<count>/<n><unit>", e.g. "10/min" or "5/10s".
const RULE = /^(\d+)\s*\/\s*(\d*)\s*([a-z]+)$/i;

/**
 * Parses a list such as `1/s,10/min` (also `5/10s`, `100/h`, `/sec`, `/minute`, `/hour`, `/day`) into rules,
 * shortest window first. Throws ConfigError naming `variable` on anything else, so that a typo stops the server
 * at boot instead of silently disabling the throttle.
 */
export function parseRateLimits(spec: string, variable: string): RateLimitRule[] {
  const parts = spec.split(",").map((part) => part.trim());
  if (parts.every((part) => part === "")) {
    throw new ConfigError(variable, 'must list at least one limit, such as "1/s,10/min"');
  }
  return parts.map((part) => parseRule(part, variable)).sort((a, b) => a.windowMs - b.windowMs);
}

function parseRule(part: string, variable: string): RateLimitRule {
  const match = RULE.exec(part);
  const limit = Number(match?.[1]);
  const windowMs = match ? (ms(`${match[2] || 1}${match[3]}` as ms.StringValue) ?? Number.NaN) : Number.NaN;
  // Whole seconds: RateLimit-Policy states a window in seconds ("10;w=60").
  if (!Number.isSafeInteger(limit) || limit < 1 || !(windowMs >= 1000 && windowMs % 1000 === 0)) {
    throw new ConfigError(
      variable,
      `has an invalid limit "${part}": expected <count>/<window> with a positive count, such as "1/s", ` +
        '"10/min", "5/10s", "100/h" or "1000/day"',
    );
  }
  return { limit, windowMs };
}
