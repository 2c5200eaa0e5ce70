import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { ApiError } from "../errors.js";
import type { RateLimiter } from "./port.js";

export interface ThrottleOptions {
  limiter: RateLimiter;
  /** The keys this request counts against (e.g. its user, or its username and address); none: not throttled. */
  keysOf: (request: FastifyRequest) => string[];
  /** Told about every throttled request, for metrics. */
  onThrottled?: (request: FastifyRequest) => void;
}

/**
 * A hook that counts the request against each of its keys and answers 429 — with `Retry-After` and the original
 * service's "Request was throttled. Expected available in N seconds." — when any of them is over its limit.
 * Successful responses carry the RateLimit-Limit/Remaining/Reset headers of the tightest window.
 */
export function throttle({ limiter, keysOf, onThrottled }: ThrottleOptions): onRequestAsyncHookHandler {
  return async function throttleRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    for (const key of keysOf(request)) {
      const decision = await limiter.consume(key);
      reply.header("ratelimit-limit", decision.limit);
      reply.header("ratelimit-remaining", decision.remaining);
      reply.header("ratelimit-reset", decision.resetSeconds);
      if (!decision.allowed) {
        onThrottled?.(request);
        const seconds = decision.retryAfterSeconds;
        throw new ApiError("throttled", `Request was throttled. Expected available in ${seconds} seconds.`, {
          headers: { "retry-after": String(seconds) },
        });
      }
    }
  };
}
