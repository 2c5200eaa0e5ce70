import { createServer } from "node:net";
import { startTcpProxy, type TcpProxy, TEST_REDIS_URL, uniqueRedisPrefix } from "@prompt-service/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveOptions } from "../../src/config.js";
import {
  createRateLimitBackend,
  type FailMode,
  type RateLimitBackend,
  type RateLimiter,
  REDIS_TIMEOUT_MS,
} from "../../src/ratelimit/index.js";
import { connectTestRedis, deleteKeys } from "./test-redis.js";

/** How much later than its timeout a consume may answer: timer and scheduling slack. */
const SLACK_MS = 150;
const rules = [{ limit: 1, windowMs: 60_000 }];

/** The decision and how long it took. */
async function timed(limiter: RateLimiter, key: string) {
  const started = performance.now();
  const decision = await limiter.consume(key);
  return { decision, ms: performance.now() - started };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

describe("Redis rate limiter when Redis fails", () => {
  const prefix = uniqueRedisPrefix("ratelimit");
  let proxy: TcpProxy;
  let backend: RateLimitBackend | undefined;
  let errors: Error[];

  // Unless a test chooses one, the fail mode is RATE_LIMIT_FAIL_MODE's default, as the server resolves it.
  const limiterAt = (redisUrl: string, failMode: FailMode = resolveOptions().rateLimitFailMode) => {
    errors = [];
    backend = createRateLimitBackend({
      redisUrl,
      prefix,
      failMode,
      onStoreError: (error) => errors.push(error),
    });
    return backend.limiter("outage", rules);
  };
  const limiterThroughProxy = (failMode?: FailMode) => limiterAt(proxy.url, failMode);

  beforeAll(async () => {
    (await connectTestRedis()).disconnect();
    proxy = await startTcpProxy(TEST_REDIS_URL);
  });

  afterEach(async () => {
    await backend?.close();
    proxy.restore();
  });

  afterAll(async () => {
    await proxy?.close();
    const redis = await connectTestRedis();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it("fails open by default: admits at once, reports, and enforces limits again once Redis is back", async () => {
    const limiter = limiterThroughProxy();
    expect((await limiter.consume("frank")).allowed).toBe(true);
    expect((await limiter.consume("frank")).allowed).toBe(false);

    proxy.cut();
    for (let attempt = 0; attempt < 3; attempt++) {
      const { decision, ms } = await timed(limiter, "frank");
      expect(decision).toEqual({ allowed: true, remaining: 0, resetSeconds: 60 });
      expect(ms).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);
    }
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.every((error) => error instanceof Error)).toBe(true);

    proxy.restore();
    // frank's request from before the outage is still in Redis: denial proves the limiter is back on it.
    await vi.waitFor(async () => expect((await limiter.consume("frank")).allowed).toBe(false), {
      timeout: 5000,
      interval: 100,
    });
  });

  it("fails closed when configured: denies with a short retry, then admits again once Redis is back", async () => {
    const limiter = limiterThroughProxy("closed");
    expect((await limiter.consume("grace")).allowed).toBe(true);

    proxy.cut();
    const { decision, ms } = await timed(limiter, "heidi");
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(ms).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);
    expect(errors.length).toBeGreaterThanOrEqual(1);

    proxy.restore();
    let key = 0;
    await vi.waitFor(async () => expect((await limiter.consume(`ivan:${key++}`)).allowed).toBe(true), {
      timeout: 5000,
      interval: 100,
    });
  });

  it("answers within the timeout when Redis stops answering, and recovers from the dead connection", async () => {
    const limiter = limiterThroughProxy("closed");
    expect((await limiter.consume("judy")).allowed).toBe(true);

    // The open connection now swallows every command, like a link that died silently; it stays that way.
    proxy.stall();
    const { decision, ms } = await timed(limiter, "judy");
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(ms).toBeGreaterThanOrEqual(REDIS_TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);
    expect(errors.map((error) => error.message)).toContain(
      `Redis did not answer within ${REDIS_TIMEOUT_MS} ms`,
    );

    proxy.restore();
    await vi.waitFor(
      async () =>
        expect(await limiter.consume("judy")).toMatchObject({ allowed: false, retryAfterSeconds: 60 }),
      { timeout: 5000, interval: 100 },
    );
  });

  it("answers at once, and never throws, when Redis is down from the start", async () => {
    const limiter = limiterAt(`redis://127.0.0.1:${await closedPort()}`);
    for (let attempt = 0; attempt < 3; attempt++) {
      const { decision, ms } = await timed(limiter, "mallory");
      expect(decision.allowed).toBe(true);
      expect(ms).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);
    }
    expect(errors.length).toBeGreaterThanOrEqual(3);
  });
});
