import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { createRateLimiter } from "../../src/ratelimit/index.js";
import { MemoryRateLimiter } from "../../src/ratelimit/memory.js";

const rules = [{ limit: 1, windowMs: 1000 }];

describe("createRateLimiter", () => {
  it.each([
    ["no Redis", undefined],
    ["an empty REDIS_URL", ""],
  ])("counts in memory with %s", async (_, redisUrl) => {
    const limiter = createRateLimiter({ rules, redisUrl });
    expect(limiter).toBeInstanceOf(MemoryRateLimiter);
    expect((await limiter.consume("alice")).allowed).toBe(true);
    expect((await limiter.consume("alice")).allowed).toBe(false);
    await limiter.close();
  });

  it("refuses an empty list of rules", () => {
    expect(() => createRateLimiter({ rules: [] })).toThrow(ConfigError);
  });
});
