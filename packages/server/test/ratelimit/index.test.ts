import { describe, expect, it } from "vitest";
import { createRateLimitBackend } from "../../src/ratelimit/index.js";
import { MemoryRateLimiter } from "../../src/ratelimit/memory.js";

const rules = [{ limit: 1, windowMs: 1000 }];

describe("createRateLimitBackend", () => {
  it.each([
    ["no Redis", undefined],
    ["an empty REDIS_URL", ""],
  ])("counts in memory with %s, each limiter apart", async (_, redisUrl) => {
    const backend = createRateLimitBackend({ redisUrl, prefix: "test:", failMode: "open" });
    const [prompts, logins] = [backend.limiter("prompts", rules), backend.limiter("login", rules)];
    expect(prompts).toBeInstanceOf(MemoryRateLimiter);
    expect((await prompts.consume("alice")).allowed).toBe(true);
    expect((await prompts.consume("alice")).allowed).toBe(false);
    expect((await logins.consume("alice")).allowed).toBe(true);
    await backend.close();
  });
});
