import type {
  FastifyRateLimitStore,
  RateLimitHook,
  RateLimitOptions,
  RateLimitPluginOptions,
} from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";
import { tighter } from "./decision.js";
import type { Admitted, RateLimitDecision, RateLimiter } from "./port.js";

/** One count a throttled request goes into: a limiter, and the key of this request in it. */
export interface ThrottleCheck {
  limiter: RateLimiter;
  keyOf: (request: FastifyRequest) => string;
}

/**
 * @fastify/rate-limit's settings for the service. The plugin adds the hook, the RateLimit-Limit/Remaining/Reset
 * headers, `Retry-After` and the 429, whose body keeps the original service's "Request was throttled. Expected
 * available in N seconds."; `onThrottled` hears of every refusal, for metrics.
 */
export function rateLimitPluginOptions(
  onThrottled: (request: FastifyRequest) => void,
): RateLimitPluginOptions {
  return {
    // Only the routes whose config.rateLimit comes from throttle().
    global: false,
    // The IETF draft's RateLimit-* names rather than X-RateLimit-*.
    enableDraftSpec: true,
    store: ThrottleStore,
    onExceeded: onThrottled,
    errorResponseBuilder: (_request, { ttl }) =>
      new ApiError(
        "throttled",
        `Request was throttled. Expected available in ${Math.ceil(ttl / 1000)} seconds.`,
      ),
  };
}

/** What throttle() gives ThrottleStore through the route's rate-limit settings. */
interface ThrottleStoreSettings {
  checks?: readonly ThrottleCheck[];
}

/**
 * A route's `config.rateLimit`: the request counts against each check in turn, at the end of the route's `hook`
 * stage (after the route's own hooks of that stage, such as authentication); the first that is over its limit
 * refuses it, and the later ones do not count it.
 */
export function throttle(
  checks: readonly ThrottleCheck[],
  hook: RateLimitHook = "onRequest",
): RateLimitOptions {
  const settings: RateLimitOptions & ThrottleStoreSettings = {
    hook,
    // The plugin has one limit per route, taken before the store answers, while the binding window is known only
    // after: RateLimit-Limit is the smallest of the route's limits, and ThrottleStore tells the others' counts
    // against it.
    max: Math.min(...checks.flatMap(({ limiter }) => limiter.rules.map((rule) => rule.limit))),
    // The plugin has one key per route: the checks' keys travel together to ThrottleStore.
    keyGenerator: (request) => JSON.stringify(checks.map(({ keyOf }) => keyOf(request))),
    checks,
  };
  return settings;
}

/**
 * The plugin's store. The plugin asks a store for one count and when it resets, against one limit; a route here
 * has several windows (and login two keys), each limiter evaluating all its windows in one atomic step. So the
 * store answers for the binding window, in the plugin's terms: a refused request as one over `max`, resetting
 * when it may be retried; an admitted one with as many left as its tightest window, resetting when that window
 * has its whole quota back.
 */
class ThrottleStore implements FastifyRateLimitStore {
  private readonly checks: readonly ThrottleCheck[];

  /** The plugin builds one store from its own settings, then one per route with child(). */
  constructor(settings: ThrottleStoreSettings) {
    this.checks = settings.checks ?? [];
  }

  /** `routeSettings` is the route's rate-limit settings merged with the plugin's (typed as route options). */
  child(routeSettings: unknown): ThrottleStore {
    return new ThrottleStore(routeSettings as ThrottleStoreSettings);
  }

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    _timeWindow: number,
    max: number,
  ): void {
    consumeAll(this.checks, JSON.parse(key) as string[]).then(
      (decision) =>
        callback(
          null,
          decision.allowed
            ? { current: max - decision.remaining, ttl: decision.resetSeconds * 1000 }
            : { current: max + 1, ttl: decision.retryAfterSeconds * 1000 },
        ),
      (error: Error) => callback(error),
    );
  }
}

async function consumeAll(
  checks: readonly ThrottleCheck[],
  keys: readonly string[],
): Promise<RateLimitDecision> {
  let tightest: Admitted | undefined;
  for (const [index, { limiter }] of checks.entries()) {
    const decision = await limiter.consume(keys[index] as string);
    if (!decision.allowed) return decision;
    tightest = tightest ? tighter(tightest, decision) : decision;
  }
  if (!tightest) throw new Error("a throttled route has at least one check");
  return tightest;
}
