import { ConfigError } from "../errors.js";

/** At most `limit` requests in any `windowMs`-long span of time. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

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
  const unitMs = match?.[3] && UNIT_MS[match[3].toLowerCase()];
  const limit = Number(match?.[1]);
  const multiplier = match?.[2] ? Number(match[2]) : 1;
  const windowMs = unitMs ? multiplier * unitMs : Number.NaN;
  if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new ConfigError(
      variable,
      `has an invalid limit "${part}": expected <count>/<window> with a positive count, such as "1/s", ` +
        '"10/min", "5/10s", "100/h" or "1000/day"',
    );
  }
  return { limit, windowMs };
}
