import type { ResolvedOptions } from "../config.js";
import { createRateLimiter, type RateLimiter } from "./index.js";

/** The throttles of the service: prompt creation per user, login per username and per client address. */
export interface ServiceLimiters {
  prompts: RateLimiter;
  loginByUsername: RateLimiter;
  loginByAddress: RateLimiter;
  close(): Promise<void>;
}

export function createServiceLimiters(
  config: ResolvedOptions,
  onStoreError: (error: Error) => void,
): ServiceLimiters {
  const common = { redisUrl: config.redisUrl, failMode: config.rateLimitFailMode, onStoreError };
  const prefix = `${config.redisPrefix}ratelimit:`;
  const limiters = {
    prompts: createRateLimiter({ ...common, rules: config.promptRateLimits, prefix: `${prefix}prompts:` }),
    loginByUsername: createRateLimiter({
      ...common,
      rules: config.loginRateLimits,
      prefix: `${prefix}login-user:`,
    }),
    loginByAddress: createRateLimiter({
      ...common,
      rules: config.loginAddressRateLimits,
      prefix: `${prefix}login-address:`,
    }),
  };
  return {
    ...limiters,
    async close() {
      await Promise.all(Object.values(limiters).map((limiter) => limiter.close()));
    },
  };
}
