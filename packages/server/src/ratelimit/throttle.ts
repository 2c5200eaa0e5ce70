import type {
  FastifyRateLimitStore,
  RateLimitHook,
  RateLimitOptions,
  RateLimitPluginOptions,
} from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import { ApiError } from "../http/api-error.js";
import { tighter } from "./decision.js";
import type { Admitted, RateLimitDecision, RateLimiter } from "./port.js";
import type { RateLimitRule } from "./rules.js";

/** One count a throttled request goes into: a limiter, and the key of this request in it. */
export interface ThrottleCheck {
  limiter: RateLimiter;
  keyOf: (request: FastifyRequest) => string;
}

type StoreSettings = { checks?: readonly ThrottleCheck[] };

/**
 * @fastify/rate-limit's settings: on the routes whose config is a throttle(), it adds the hook, the
 * RateLimit-* (the IETF draft's names) and Retry-After headers, and the 429 with the original service's detail.
 */
export function rateLimitPluginOptions(onThrottled: RateLimitOptions["onExceeded"]): RateLimitPluginOptions {
  return {
    global: false,
    enableDraftSpec: true,
    store: ThrottleStore,
    onExceeded: (request, key) => {
      refusedBy.set(request, refusals.get(key));
      refusals.delete(key);
      onThrottled?.(request, key);
    },
    errorResponseBuilder: (request, { ttl }) => {
      const seconds = Math.ceil(ttl / 1000);
      const rule = refusedBy.get(request);
      // The plugin's RateLimit-Limit is the route's smallest limit, fixed before the store answered; a refusal
      // names the window that refused it instead (login: 30 a minute per address, not 10 per username).
      const headers = rule
        ? {
            "ratelimit-limit": String(rule.limit),
            "ratelimit-policy": `${rule.limit};w=${rule.windowMs / 1000}`,
          }
        : undefined;
      return new ApiError("throttled", `Request was throttled. Expected available in ${seconds} seconds.`, {
        ...(headers ? { headers } : {}),
      });
    },
  };
}

/**
 * The window that refused a request, from the store (which sees only the key) to the 429's headers (built from the
 * request): the plugin calls onExceeded with both, right after the store's answer, so an entry lives a moment.
 */
const refusals = new Map<string, RateLimitRule | undefined>();
const refusedBy = new WeakMap<FastifyRequest, RateLimitRule | undefined>();

/**
 * A throttled route's config: the plugin runs at the end of its `hook` stage (after the route's own hooks of that
 * stage, such as authentication). It has one key and one limit per route, fixed before the store answers: the
 * checks' keys travel as one, and RateLimit-Limit is the smallest of the route's limits.
 */
export function throttle(checks: readonly ThrottleCheck[], hook: RateLimitHook = "onRequest") {
  const rateLimit: RateLimitOptions & StoreSettings = {
    hook,
    max: Math.min(...checks.flatMap(({ limiter }) => limiter.rules.map((rule) => rule.limit))),
    keyGenerator: (request) => JSON.stringify(checks.map(({ keyOf }) => keyOf(request))),
    checks,
  };
  return { rateLimit };
}

/**
 * The plugin's store. The plugin asks for one count against one limit; here each limiter checks all its windows
 * in one atomic step, and the answer goes back in the plugin's terms, against the route's `max`: a refusal as one
 * request too many, due back when it may be retried; an admission as the tightest window's count, due back when
 * that window's quota is.
 */
class ThrottleStore implements FastifyRateLimitStore {
  private readonly checks: readonly ThrottleCheck[];

  // The plugin makes one from its own settings, then one per route from the route's merged with them (typed as
  // route options), where throttle() put the checks.
  constructor(settings: StoreSettings) {
    this.checks = settings.checks ?? [];
  }

  child(settings: unknown): ThrottleStore {
    return new ThrottleStore(settings as StoreSettings);
  }

  incr: FastifyRateLimitStore["incr"] = (key, callback, _timeWindow, max) => {
    consumeInTurn(this.checks, JSON.parse(key)).then((decision) => {
      if (decision.allowed) {
        callback(null, { current: max - decision.remaining, ttl: decision.resetSeconds * 1000 });
        return;
      }
      refusals.set(key, decision.rule);
      callback(null, { current: max + 1, ttl: decision.retryAfterSeconds * 1000 });
    }, callback);
  };
}

/** The first refusal, else the tightest admission; a request refused by one check is not counted by the later ones. */
async function consumeInTurn(checks: readonly ThrottleCheck[], keys: string[]): Promise<RateLimitDecision> {
  const admitted: Admitted[] = [];
  for (const [index, { limiter }] of checks.entries()) {
    const decision = await limiter.consume(keys[index] as string);
    if (!decision.allowed) return decision;
    admitted.push(decision);
  }
  return admitted.reduce(tighter);
}
