import { describe, expect, it } from "vitest";
import { parseRateLimits } from "../../src/ratelimit/index.js";
import { MemoryRateLimiter } from "../../src/ratelimit/memory.js";
import { rateLimiterContract } from "./contract.js";

/** A clock that only moves when told to, starting just before a second boundary. */
function fakeClock(start = 900) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

rateLimiterContract("memory", async () => {
  const clock = fakeClock();
  return {
    create: (rules) => new MemoryRateLimiter(rules, { now: clock.now }),
    async elapse(ms) {
      clock.advance(ms);
    },
    now: clock.now,
    async cleanup() {},
  };
});

describe("memory rate limiter with the default PROMPT_RATE_LIMITS", () => {
  const rules = parseRateLimits("1/s,10/min", "PROMPT_RATE_LIMITS");

  it("admits no burst of two across a second boundary", async () => {
    const clock = fakeClock(900);
    const limiter = new MemoryRateLimiter(rules, { now: clock.now });
    expect((await limiter.consume("alice")).allowed).toBe(true);
    clock.advance(200); // 1.1 s: a new fixed second, but only 200 ms since the last request
    expect(await limiter.consume("alice")).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(800);
    expect((await limiter.consume("alice")).allowed).toBe(true);
  });

  it("admits no 11th request in any 60 seconds, and says exactly when the next one fits", async () => {
    const clock = fakeClock(0);
    const limiter = new MemoryRateLimiter(rules, { now: clock.now });
    for (let request = 0; request < 9; request++) {
      expect(await limiter.consume("bob")).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
      clock.advance(1500);
    }
    // The 10th empties the minute too: that window, the slower to refill, is described.
    expect(await limiter.consume("bob")).toEqual({ allowed: true, remaining: 0, resetSeconds: 60 });
    clock.advance(1500); // t = 15 s; the first request, at 0, leaves the minute at 60 s
    expect(await limiter.consume("bob")).toEqual({
      allowed: false,
      retryAfterSeconds: 45,
      rule: { limit: 10, windowMs: 60_000 },
    });
    clock.advance(44_999);
    expect((await limiter.consume("bob")).allowed).toBe(false);
    clock.advance(1);
    expect(await limiter.consume("bob")).toEqual({ allowed: true, remaining: 0, resetSeconds: 60 });
  });

  it("drops idle keys, so memory stays bounded", async () => {
    const clock = fakeClock(0);
    const limiter = new MemoryRateLimiter(rules, { now: clock.now });
    for (let user = 0; user < 100; user++) await limiter.consume(`user:${user}`);
    expect(limiter.size).toBe(100);
    clock.advance(30_000);
    await limiter.consume("active");
    expect(limiter.size).toBe(101);
    clock.advance(30_000); // the 100 users' requests have now left every window
    await limiter.consume("active");
    expect(limiter.size).toBe(1);
  });

  it("keeps at most maxKeys keys, forgetting the least recently used: made-up usernames cannot grow memory", async () => {
    const clock = fakeClock(0);
    const limiter = new MemoryRateLimiter(parseRateLimits("2/h", "test"), { now: clock.now, maxKeys: 3 });
    await limiter.consume("victim");
    for (let attempt = 0; attempt < 1000; attempt++) {
      await limiter.consume(`made-up-${attempt}`);
      // The victim keeps being active, so it is never the least recently used.
      if (attempt % 2 === 0) await limiter.consume("victim").catch(() => undefined);
    }
    expect(limiter.size).toBe(3);
    expect((await limiter.consume("victim")).allowed).toBe(false);
  });
});
