import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RateLimiter, RateLimitRule } from "../../src/ratelimit/index.js";

export interface RateLimiterHarness {
  /** A limiter over `rules`. */
  create(rules: readonly RateLimitRule[]): RateLimiter;
  /** Lets `ms` pass on the limiters' clock. */
  elapse(ms: number): Promise<void>;
  /** The limiters' clock in milliseconds, read before and after a consume to bracket the time it counted. */
  now(): number;
  /** Removes whatever the harness created. */
  cleanup(): Promise<void>;
}

/**
 * One contract, every rate-limit store: what the throttles rely on, wherever the counts live. retryAfterSeconds
 * is whole seconds, so rules whose retry must exceed one second use windows of a few seconds.
 */
export function rateLimiterContract(name: string, makeHarness: () => Promise<RateLimiterHarness>): void {
  describe(`rate limiter contract: ${name}`, () => {
    let harness: RateLimiterHarness;

    beforeAll(async () => {
      harness = await makeHarness();
    });

    afterAll(async () => {
      await harness?.cleanup();
    });

    const newKey = () => `user:${randomUUID()}`;

    it("admits one request per window, then denies it with retryAfter 1 until the window has passed", async () => {
      const limiter = harness.create([{ limit: 1, windowMs: 1000 }]);
      const key = newKey();
      expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
      const refused = { allowed: false, retryAfterSeconds: 1, rule: { limit: 1, windowMs: 1000 } };
      expect(await limiter.consume(key)).toEqual(refused);
      await harness.elapse(999);
      expect(await limiter.consume(key)).toEqual(refused);
      await harness.elapse(1);
      expect(await limiter.consume(key)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it("enforces every window: the longer one denies once full, with its own retry", async () => {
      const limiter = harness.create([
        { limit: 1, windowMs: 300 },
        { limit: 3, windowMs: 3000 },
      ]);
      const key = newKey();
      // The short window has nothing left after each request, so it is the one described.
      expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
      expect(await limiter.consume(key)).toEqual({
        allowed: false,
        retryAfterSeconds: 1,
        rule: { limit: 1, windowMs: 300 },
      });
      await harness.elapse(350);
      expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
      await harness.elapse(350);
      // Both windows are now spent: the longer one, slower to refill, is described.
      expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 0, resetSeconds: 3 });
      await harness.elapse(350);
      // The short window has room again; the long one frees up when the first request, 1050 ms ago, leaves it.
      expect(await limiter.consume(key)).toEqual({
        allowed: false,
        retryAfterSeconds: 2,
        rule: { limit: 3, windowMs: 3000 },
      });
    });

    it("counts a denied request in no window", async () => {
      const limiter = harness.create([
        { limit: 1, windowMs: 500 },
        { limit: 3, windowMs: 2000 },
      ]);
      const key = newKey();
      expect((await limiter.consume(key)).allowed).toBe(true);
      for (let attempt = 0; attempt < 5; attempt++) {
        expect((await limiter.consume(key)).allowed).toBe(false);
      }
      // Had those five counted in the long window, it would be full by now.
      await harness.elapse(550);
      expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
      await harness.elapse(550);
      expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 0, resetSeconds: 2 });
      // The long window frees up when the first request, 1100 ms ago, leaves it.
      expect(await limiter.consume(key)).toEqual({
        allowed: false,
        retryAfterSeconds: 1,
        rule: { limit: 3, windowMs: 2000 },
      });
    });

    it("keeps keys independent", async () => {
      const limiter = harness.create([{ limit: 1, windowMs: 1000 }]);
      const [first, second] = [newKey(), newKey()];
      expect((await limiter.consume(first)).allowed).toBe(true);
      expect((await limiter.consume(first)).allowed).toBe(false);
      expect((await limiter.consume(second)).allowed).toBe(true);
      expect((await limiter.consume(second)).allowed).toBe(false);
    });

    it("slides: no window-long span ever holds more than the limit, yet requests keep getting through", async () => {
      const rule = { limit: 2, windowMs: 600 };
      const limiter = harness.create([rule]);
      const key = newKey();
      // [before, after] of each admitted request: the store counted it at some moment in between.
      const admitted: Array<{ before: number; after: number }> = [];
      for (let attempt = 0; attempt < 25; attempt++) {
        const before = harness.now();
        const { allowed } = await limiter.consume(key);
        if (allowed) admitted.push({ before, after: harness.now() });
        await harness.elapse(rule.windowMs / 10);
      }
      // A fixed window would admit a burst across its boundary; a sliding one never admits limit + 1 in a window.
      const spans = admitted
        .slice(rule.limit)
        .map((last, index) => last.after - (admitted[index]?.before ?? Number.NaN));
      expect(Math.min(...spans)).toBeGreaterThanOrEqual(rule.windowMs);
      expect(admitted.length).toBeGreaterThanOrEqual(5);
    });
  });
}
