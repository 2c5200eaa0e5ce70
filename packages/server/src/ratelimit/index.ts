import type { Redis } from "ioredis";
import { ConfigError } from "../errors.js";
import { type FailMode, withFailMode } from "./failsafe.js";
import { MemoryRateLimiter } from "./memory.js";
import type { RateLimiter } from "./port.js";
import { createRedisClient, RedisRateLimiter } from "./redis.js";
import type { RateLimitRule } from "./rules.js";

export { FAIL_CLOSED_RETRY_SECONDS, type FailMode } from "./failsafe.js";
export type { RateLimitDecision, RateLimiter } from "./port.js";
export { parseRateLimits, type RateLimitRule } from "./rules.js";

export const RATE_LIMIT_DEFAULTS = {
  prefix: "prompt-service:ratelimit:",
  // Open: Redis only shares the counts, and losing it should not take prompts and logins down with it. Outages
  // reach onStoreError, to be logged and alerted on; choose "closed" where abuse costs more than downtime.
  failMode: "open",
  // A healthy Redis answers in about a millisecond; a throttle check may add at most this much to a request.
  timeoutMs: 250,
} as const satisfies { prefix: string; failMode: FailMode; timeoutMs: number };

interface CommonOptions {
  /** At least one; parseRateLimits turns PROMPT_RATE_LIMITS into these. */
  rules: readonly RateLimitRule[];
  /** Namespaces the Redis keys: give every limiter its own (e.g. `…:prompts:`, `…:login-user:`). */
  prefix?: string;
  /** What to answer while Redis fails. */
  failMode?: FailMode;
  /** Told about every Redis failure (failed consumes, and connection errors of a client created from redisUrl). */
  onStoreError?: (error: Error) => void;
  /** Bound on one consume against Redis, waiting for the connection included. */
  timeoutMs?: number;
}

export type RateLimiterOptions = CommonOptions &
  (
    | {
        /** Redis shared by every instance; when unset (or empty) counts stay in this process. */
        redisUrl?: string | undefined;
        redis?: undefined;
      }
    | {
        /**
         * An existing connection instead of redisUrl, left open on close. Give it `enableOfflineQueue: false` and
         * `maxRetriesPerRequest: 0` so that nothing is queued or resent; it must not be in subscriber mode.
         */
        redis: Redis;
        redisUrl?: undefined;
      }
  );

/**
 * The limiter for one throttled action: in Redis, shared atomically by every instance, when `redisUrl` or `redis`
 * is given; otherwise in memory. Its consume never rejects and, against Redis, answers within `timeoutMs`.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (options.rules.length === 0) throw new ConfigError("rules", "must list at least one limit");
  const onStoreError = options.onStoreError ?? (() => {});
  const client =
    options.redis ?? (options.redisUrl ? createRedisClient(options.redisUrl, onStoreError) : undefined);
  if (!client) return new MemoryRateLimiter(options.rules);

  const store = new RedisRateLimiter({
    client,
    rules: options.rules,
    prefix: options.prefix ?? RATE_LIMIT_DEFAULTS.prefix,
    timeoutMs: options.timeoutMs ?? RATE_LIMIT_DEFAULTS.timeoutMs,
    ownsClient: !options.redis,
  });
  return withFailMode(store, {
    rules: options.rules,
    failMode: options.failMode ?? RATE_LIMIT_DEFAULTS.failMode,
    onStoreError,
  });
}
