import { type FailMode, withFailMode } from "./failsafe.js";
import { MemoryRateLimiter } from "./memory.js";
import type { RateLimiter } from "./port.js";
import { createRedisClient, RedisRateLimiter } from "./redis.js";
import type { RateLimitRule } from "./rules.js";

export type { FailMode } from "./failsafe.js";
export type { RateLimitDecision, RateLimiter } from "./port.js";
export { parseRateLimits, type RateLimitRule } from "./rules.js";

/** A healthy Redis answers in about a millisecond; a throttle check may add at most this much to a request. */
export const REDIS_TIMEOUT_MS = 250;

interface RateLimitBackendOptions {
  /** Redis shared by every instance; when unset (or empty) counts stay in this process. */
  redisUrl?: string | undefined;
  /** Namespaces the Redis keys; each limiter adds its name. */
  prefix: string;
  /** What to answer while Redis fails: RATE_LIMIT_FAIL_MODE. */
  failMode: FailMode;
  /** Told about every Redis failure: failed consumes and connection errors. */
  onStoreError?: (error: Error) => void;
}

/** Where the counts of every limiter live: this process's memory, or Redis over one connection they share. */
export interface RateLimitBackend {
  /**
   * The limiter for one throttled action, its keys apart from every other limiter's under `name`. Against Redis
   * its consume never rejects and answers within REDIS_TIMEOUT_MS.
   */
  limiter(name: string, rules: readonly RateLimitRule[]): RateLimiter;
  /** Closes the Redis connection. */
  close(): Promise<void>;
}

export function createRateLimitBackend(options: RateLimitBackendOptions): RateLimitBackend {
  const onStoreError = options.onStoreError ?? (() => {});
  const client = options.redisUrl ? createRedisClient(options.redisUrl, onStoreError) : undefined;
  return {
    limiter(name, rules) {
      if (!client) return new MemoryRateLimiter(rules);
      const prefix = `${options.prefix}${name}:`;
      const store = new RedisRateLimiter({ client, rules, prefix, timeoutMs: REDIS_TIMEOUT_MS });
      return withFailMode(store, { failMode: options.failMode, onStoreError });
    },
    async close() {
      // disconnect, not quit: quit would wait on a Redis that may be gone, and nothing in flight needs finishing.
      client?.disconnect();
    },
  };
}
