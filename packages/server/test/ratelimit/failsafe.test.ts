import { describe, expect, it } from "vitest";
import { FAIL_CLOSED_RETRY_SECONDS, withFailMode } from "../../src/ratelimit/failsafe.js";
import type { RateLimitDecision, RateLimiter } from "../../src/ratelimit/index.js";

const rules = [
  { limit: 1, windowMs: 1000 },
  { limit: 10, windowMs: 60_000 },
];

const storeAnswering = (consume: () => Promise<RateLimitDecision>): RateLimiter => ({ rules, consume });

const failingStore = storeAnswering(async () => {
  throw new Error("connection refused");
});

describe("withFailMode", () => {
  it("fails open: admits the request, as a key's first, and reports the failure", async () => {
    const errors: Error[] = [];
    const limiter = withFailMode(failingStore, { failMode: "open", onStoreError: (e) => errors.push(e) });
    expect(await limiter.consume("alice")).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
    expect(errors.map((error) => error.message)).toEqual(["connection refused"]);
  });

  it("fails closed: denies with a short retry, and reports every failure", async () => {
    const errors: Error[] = [];
    const limiter = withFailMode(failingStore, { failMode: "closed", onStoreError: (e) => errors.push(e) });
    const denied = { allowed: false, retryAfterSeconds: FAIL_CLOSED_RETRY_SECONDS };
    expect(await limiter.consume("alice")).toEqual(denied);
    expect(await limiter.consume("alice")).toEqual(denied);
    expect(errors).toHaveLength(2);
  });

  it("never rejects, not even when the error handler throws or the store rejects with a non-Error", async () => {
    const errors: Error[] = [];
    const limiter = withFailMode(
      storeAnswering(() => Promise.reject("boom")),
      {
        failMode: "open",
        onStoreError: (error) => {
          errors.push(error);
          throw new Error("logger down");
        },
      },
    );
    await expect(limiter.consume("alice")).resolves.toMatchObject({ allowed: true });
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0]?.message).toBe("boom");
  });

  it("passes answers and rules through while the store works", async () => {
    const answer = { allowed: false, retryAfterSeconds: 7 } as const;
    const limiter = withFailMode(
      storeAnswering(async () => answer),
      { failMode: "closed", onStoreError: () => {} },
    );
    expect(await limiter.consume("alice")).toEqual(answer);
    expect(limiter.rules).toBe(rules);
  });
});
