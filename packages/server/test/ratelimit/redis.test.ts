import { TEST_REDIS_URL, uniqueRedisPrefix } from "@prompt-service/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter, type RateLimiter, type RateLimitRule } from "../../src/ratelimit/index.js";
import { rateLimiterContract } from "./contract.js";
import { connectTestRedis, deleteKeys } from "./test-redis.js";

/** Store errors of every limiter below; none is expected while Redis is up. */
const storeErrors: Error[] = [];

/** A limiter with its own connection, like one server instance. */
function instance(prefix: string, rules: readonly RateLimitRule[]): RateLimiter {
  return createRateLimiter({
    redisUrl: TEST_REDIS_URL,
    prefix,
    rules,
    failMode: "closed",
    onStoreError: (error) => storeErrors.push(error),
  });
}

afterAll(() => {
  expect(storeErrors).toEqual([]);
});

rateLimiterContract("Redis", async () => {
  const redis = await connectTestRedis();
  const prefix = uniqueRedisPrefix("ratelimit");
  const limiters: RateLimiter[] = [];
  return {
    create(rules) {
      const limiter = instance(prefix, rules);
      limiters.push(limiter);
      return limiter;
    },
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => performance.now(),
    async cleanup() {
      await Promise.all(limiters.map((limiter) => limiter.close()));
      await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
});

describe("Redis rate limiter across instances", () => {
  let redis: Redis;
  const prefix = uniqueRedisPrefix("ratelimit");
  const limiters: RateLimiter[] = [];
  const newInstanceUnder = (keyPrefix: string, rules: readonly RateLimitRule[]) => {
    const limiter = instance(keyPrefix, rules);
    limiters.push(limiter);
    return limiter;
  };
  const newInstance = (rules: readonly RateLimitRule[]) => newInstanceUnder(prefix, rules);

  beforeAll(async () => {
    redis = await connectTestRedis();
  });

  afterAll(async () => {
    await Promise.all(limiters.map((limiter) => limiter.close()));
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it("shares one count between instances, atomically", async () => {
    const rules = [{ limit: 3, windowMs: 10_000 }];
    const servers = [newInstance(rules), newInstance(rules)];
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, index) => servers[index % 2]?.consume("carol")),
    );
    expect(decisions.filter((decision) => decision?.allowed)).toHaveLength(3);
    expect(decisions.filter((decision) => decision?.allowed === false)).toHaveLength(7);
  });

  it("keeps each key under the prefix, expiring with the longest window", async () => {
    const limiter = newInstance([
      { limit: 1, windowMs: 1000 },
      { limit: 10, windowMs: 60_000 },
    ]);
    await limiter.consume("dave");
    const ttl = await redis.pttl(`${prefix}dave`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("keeps limiters with different prefixes apart", async () => {
    const rules = [{ limit: 1, windowMs: 10_000 }];
    const prompts = newInstanceUnder(`${prefix}prompts:`, rules);
    const logins = newInstanceUnder(`${prefix}login:`, rules);
    expect((await prompts.consume("erin")).allowed).toBe(true);
    expect((await logins.consume("erin")).allowed).toBe(true);
    expect((await prompts.consume("erin")).allowed).toBe(false);
  });
});
