import { TEST_REDIS_URL, uniqueRedisPrefix } from "@prompt-service/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRateLimitBackend,
  type RateLimitBackend,
  type RateLimitRule,
  REDIS_TIMEOUT_MS,
} from "../../src/ratelimit/index.js";
import { createRedisClient, RedisRateLimiter } from "../../src/ratelimit/redis.js";
import { rateLimiterContract } from "./contract.js";
import { connectTestRedis, deleteKeys } from "./test-redis.js";

/** Store errors of every limiter below; none is expected while Redis is up. */
const storeErrors: Error[] = [];

afterAll(() => {
  expect(storeErrors).toEqual([]);
});

// The real script on the real Redis, on a clock the test moves: the script takes the caller's time when given one.
// The Redis server's own clock, used in service, is what the tests across instances below and the API tests run on.
rateLimiterContract("Redis", async () => {
  const redis = await connectTestRedis();
  const client = createRedisClient(TEST_REDIS_URL, (error) => storeErrors.push(error));
  const prefix = uniqueRedisPrefix("ratelimit");
  let now = 900;
  return {
    create: (rules) =>
      new RedisRateLimiter({
        client,
        rules,
        prefix,
        timeoutMs: REDIS_TIMEOUT_MS,
        now: () => now,
      }),
    async elapse(ms) {
      now += ms;
    },
    now: () => now,
    async cleanup() {
      client.disconnect();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
});

describe("Redis rate limiter across instances", () => {
  let redis: Redis;
  const prefix = uniqueRedisPrefix("ratelimit");
  const backends: RateLimitBackend[] = [];
  /** A backend with its own connection, like one server instance. */
  const newInstance = () => {
    const backend = createRateLimitBackend({
      redisUrl: TEST_REDIS_URL,
      prefix,
      failMode: "closed",
      onStoreError: (error) => storeErrors.push(error),
    });
    backends.push(backend);
    return backend;
  };

  beforeAll(async () => {
    redis = await connectTestRedis();
  });

  afterAll(async () => {
    await Promise.all(backends.map((backend) => backend.close()));
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it("shares one count between instances, atomically", async () => {
    const rules = [{ limit: 3, windowMs: 10_000 }];
    const servers = [newInstance().limiter("shared", rules), newInstance().limiter("shared", rules)];
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, index) => servers[index % 2]?.consume("carol")),
    );
    expect(decisions.filter((decision) => decision?.allowed)).toHaveLength(3);
    expect(decisions.filter((decision) => decision?.allowed === false)).toHaveLength(7);
  });

  it("keeps each key under the prefix and the limiter's name, expiring with the longest window", async () => {
    const rules: RateLimitRule[] = [
      { limit: 1, windowMs: 1000 },
      { limit: 10, windowMs: 60_000 },
    ];
    await newInstance().limiter("prompts", rules).consume("dave");
    const ttl = await redis.pttl(`${prefix}prompts:dave`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("keeps limiters of one connection apart by name", async () => {
    const rules = [{ limit: 1, windowMs: 10_000 }];
    const instance = newInstance();
    const prompts = instance.limiter("prompts", rules);
    const logins = instance.limiter("login", rules);
    expect((await prompts.consume("erin")).allowed).toBe(true);
    expect((await logins.consume("erin")).allowed).toBe(true);
    expect((await prompts.consume("erin")).allowed).toBe(false);
  });
});
