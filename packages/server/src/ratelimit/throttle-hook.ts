import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { ApiError } from "../errors.js";
import type { RateLimitDecision, RateLimiter } from "./port.js";

/** One window set a request counts against: a limiter, and the key of this request in it. */
export interface ThrottleCheck {
  limiter: RateLimiter;
  /** The key (e.g. the user, the client address); undefined: this check does not apply. */
  keyOf: (request: FastifyRequest) => string | undefined;
}

export interface ThrottleOptions {
  /** In order: a request refused by one is not counted by the later ones. */
  checks: readonly ThrottleCheck[];
  /** Told about every throttled request, for metrics. */
  onThrottled?: (request: FastifyRequest) => void;
}

/**
 * A hook that counts the request against each check in turn and answers 429 — with `Retry-After` and the original
 * service's "Request was throttled. Expected available in N seconds." — at the first that is over its limit. The
 * RateLimit-Limit/Remaining/Reset headers describe the window closest to refusing, across all the checks.
 */
export function throttle({ checks, onThrottled }: ThrottleOptions): onRequestAsyncHookHandler {
  return async function throttleRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let closest: RateLimitDecision | undefined;
    for (const { limiter, keyOf } of checks) {
      const key = keyOf(request);
      if (key === undefined) continue;
      const decision = await limiter.consume(key);
      if (!decision.allowed) {
        describe(reply, decision);
        onThrottled?.(request);
        const seconds = decision.retryAfterSeconds;
        throw new ApiError("throttled", `Request was throttled. Expected available in ${seconds} seconds.`, {
          headers: { "retry-after": String(seconds) },
        });
      }
      if (!closest || closer(decision, closest)) closest = decision;
    }
    if (closest) describe(reply, closest);
  };
}

/** Fewer requests left is closer to refusing; of equals, the window slower to refill. */
const closer = (a: RateLimitDecision, b: RateLimitDecision) =>
  a.remaining < b.remaining || (a.remaining === b.remaining && a.resetSeconds > b.resetSeconds);

function describe(reply: FastifyReply, decision: RateLimitDecision): void {
  reply.header("ratelimit-limit", decision.limit);
  reply.header("ratelimit-remaining", decision.remaining);
  reply.header("ratelimit-reset", decision.resetSeconds);
}
