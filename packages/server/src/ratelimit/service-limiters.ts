import type { FailMode } from "./failsafe.js";
import { createRateLimitBackend } from "./index.js";
import type { RateLimitRule } from "./rules.js";

type Throttled =
  | "prompt"
  | "search"
  | "export"
  | "register"
  | "refresh"
  | "login"
  | "loginAddress"
  | "wsConnect";

/** The settings that the throttles read: a part of the plugin's resolved options. */
export type LimiterSettings = {
  redisUrl?: string | undefined;
  redisPrefix: string;
  rateLimitFailMode: FailMode;
} & {
  [T in Throttled as `${T}RateLimits`]: RateLimitRule[];
};

export type ServiceLimiters = ReturnType<typeof createServiceLimiters>;

/**
 * The throttles of the service: prompt creation, similarity search and history export per user; registration, refresh and logout per
 * client address; login per client address and per (username, client address); new WebSockets per user.
 */
export function createServiceLimiters(config: LimiterSettings, onStoreError: (error: Error) => void) {
  const backend = createRateLimitBackend({
    redisUrl: config.redisUrl,
    prefix: `${config.redisPrefix}ratelimit:`,
    failMode: config.rateLimitFailMode,
    onStoreError,
  });
  return {
    prompts: backend.limiter("prompts", config.promptRateLimits),
    search: backend.limiter("search", config.searchRateLimits),
    exports: backend.limiter("exports", config.exportRateLimits),
    register: backend.limiter("register", config.registerRateLimits),
    tokens: backend.limiter("tokens", config.refreshRateLimits),
    loginByUsername: backend.limiter("login-user", config.loginRateLimits),
    loginByAddress: backend.limiter("login-address", config.loginAddressRateLimits),
    sockets: backend.limiter("sockets", config.wsConnectRateLimits),
    close: () => backend.close(),
  };
}
