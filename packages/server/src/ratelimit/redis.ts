import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { Redis, type Result } from "ioredis";
import { decide, type WindowState } from "./decision.js";
import type { RateLimitDecision, RateLimiter } from "./port.js";
import { SLIDING_LOG_SCRIPT } from "./redis-script.js";
import type { RateLimitRule } from "./rules.js";

declare module "ioredis" {
  interface RedisCommander<Context> {
    consumeSlidingLog(
      key: string,
      member: string,
      time: string,
      ...windowsAndLimits: number[]
    ): Result<number[], Context>;
  }
}

interface RedisRateLimiterOptions {
  /** A connection from createRedisClient, shared by every limiter of the process. */
  client: Redis;
  rules: readonly RateLimitRule[];
  /** Namespaces this limiter's keys, so limiters with different rules never share counts. */
  prefix: string;
  /** Bound on one consume, waiting for the connection included. */
  timeoutMs: number;
  /** Milliseconds; injectable so that tests control time. Unset: the Redis server's clock. */
  now?: () => number;
}

/**
 * The connection of the rate limiters, tuned so that a consume never waits on a Redis that is gone and no consume
 * ever runs twice. ioredis keeps reconnecting in the background (backing off to 2 s), so limits come back without
 * a restart. Connection errors go to `onError`, which also keeps ioredis from printing them.
 */
export function createRedisClient(url: string, onError: (error: Error) => void): Redis {
  const client = new Redis(url, {
    // Fail at once while disconnected, rather than queue a consume whose answer nobody awaits any more.
    enableOfflineQueue: false,
    // Fail in-flight commands when the connection drops instead of resending them: a script that ran before the
    // drop would count its request twice.
    maxRetriesPerRequest: 0,
    // The ready check stays on: without it, ioredis can report "ready" over a socket the server closed during the
    // handshake, and then never reconnects. A handshake stuck on a dead link is reset by a timed-out consume.
    connectTimeout: 2000,
  });
  client.on("error", onError);
  client.defineCommand("consumeSlidingLog", { numberOfKeys: 1, lua: SLIDING_LOG_SCRIPT });
  return client;
}

/** Counts shared by every instance through Redis: one sorted-set log per key, checked by one atomic script. */
export class RedisRateLimiter implements RateLimiter {
  readonly rules: readonly RateLimitRule[];
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly now: (() => number) | undefined;
  private readonly windowsAndLimits: number[];

  constructor(options: RedisRateLimiterOptions) {
    this.client = options.client;
    this.rules = options.rules;
    this.prefix = options.prefix;
    this.timeoutMs = options.timeoutMs;
    this.now = options.now;
    this.windowsAndLimits = this.rules.flatMap((rule) => [Math.round(rule.windowMs * 1000), rule.limit]);
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new Error(`Redis did not answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      await this.connected(deadline.signal);
      const time = this.now ? String(Math.round(this.now() * 1000)) : "";
      const reply = await untilAborted(
        this.client.consumeSlidingLog(this.prefix + key, randomUUID(), time, ...this.windowsAndLimits),
        deadline.signal,
      );
      return decide(this.rules, toWindowStates(reply, this.rules.length));
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      // A connection that stops answering (or a handshake that never finishes) has most likely died silently (a
      // partition, a replaced host), which TCP may take many minutes to notice: drop it and let ioredis reconnect.
      const status = this.client.status;
      if (status === "ready" || status === "connect") this.client.disconnect(true);
      throw deadline.signal.reason;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for a connection being set up (as at boot); fails at once when there is none, as in an outage. */
  private async connected(signal: AbortSignal): Promise<void> {
    const status = this.client.status;
    if (status === "ready") return;
    if (status !== "connecting" && status !== "connect") {
      throw new Error(`Redis is not connected (connection ${status})`);
    }
    await once(this.client, "ready", { signal });
  }
}

function toWindowStates(reply: number[], count: number): WindowState[] {
  if (!Array.isArray(reply) || reply.length !== count * 2) {
    throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
  }
  return Array.from({ length: count }, (_, index) => ({
    used: Number(reply[index * 2]),
    freeInMs: Number(reply[index * 2 + 1]) / 1000,
  }));
}

/** `promise`, unless `signal` aborts first; a late settlement is then ignored. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
