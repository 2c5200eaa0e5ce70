import type { ResolvedOptions } from "../config.js";
import { createRateLimiter, type RateLimiter } from "./index.js";

/**
 * The throttles of the service: prompt creation and similarity search per user; registration, refresh and logout per
 * client address; login per client address and per (username, client address).
 */
export interface ServiceLimiters {
  prompts: RateLimiter;
  search: RateLimiter;
  register: RateLimiter;
  tokens: RateLimiter;
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
  const limiter = (rules: ResolvedOptions["promptRateLimits"], name: string) =>
    createRateLimiter({ ...common, rules, prefix: `${prefix}${name}:` });
  const limiters = {
    prompts: limiter(config.promptRateLimits, "prompts"),
    search: limiter(config.searchRateLimits, "search"),
    register: limiter(config.registerRateLimits, "register"),
    tokens: limiter(config.refreshRateLimits, "tokens"),
    loginByUsername: limiter(config.loginRateLimits, "login-user"),
    loginByAddress: limiter(config.loginAddressRateLimits, "login-address"),
  };
  return {
    ...limiters,
    async close() {
      await Promise.all(Object.values(limiters).map((each) => each.close()));
    },
  };
}
