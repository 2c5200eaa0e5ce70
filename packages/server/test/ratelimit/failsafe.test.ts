import { describe, expect, it } from "vitest";
import { FAIL_CLOSED_RETRY_SECONDS, withFailMode } from "../../src/ratelimit/failsafe.js";
import type { RateLimiter } from "../../src/ratelimit/index.js";

const rules = [
  { limit: 1, windowMs: 1000 },
  { limit: 10, windowMs: 60_000 },
];

const failingStore: RateLimiter = {
  consume: async () => {
    throw new Error("connection refused");
  },
  close: async () => {},
};

describe("withFailMode", () => {
  it("fails open: admits the request, as a key's first, and reports the failure", async () => {
    const errors: Error[] = [];
    const limiter = withFailMode(failingStore, {
      rules,
      failMode: "open",
      onStoreError: (e) => errors.push(e),
    });
    expect(await limiter.consume("alice")).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      limit: 1,
      remaining: 0,
      resetSeconds: 1,
    });
    expect(errors.map((error) => error.message)).toEqual(["connection refused"]);
  });

  it("fails closed: denies with a short retry, and reports every failure", async () => {
    const errors: Error[] = [];
    const limiter = withFailMode(failingStore, {
      rules,
      failMode: "closed",
      onStoreError: (e) => errors.push(e),
    });
    const denied = {
      allowed: false,
      retryAfterSeconds: FAIL_CLOSED_RETRY_SECONDS,
      limit: 1,
      remaining: 0,
      resetSeconds: FAIL_CLOSED_RETRY_SECONDS,
    };
    expect(await limiter.consume("alice")).toEqual(denied);
    expect(await limiter.consume("alice")).toEqual(denied);
    expect(errors).toHaveLength(2);
  });

  it("never rejects, not even when the error handler throws or the store rejects with a non-Error", async () => {
    const store: RateLimiter = { consume: () => Promise.reject("boom"), close: async () => {} };
    const errors: Error[] = [];
    const limiter = withFailMode(store, {
      rules,
      failMode: "open",
      onStoreError: (error) => {
        errors.push(error);
        throw new Error("logger down");
      },
    });
    await expect(limiter.consume("alice")).resolves.toMatchObject({ allowed: true });
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0]?.message).toBe("boom");
  });

  it("passes answers through while the store works", async () => {
    const answer = { allowed: false, retryAfterSeconds: 7, limit: 10, remaining: 0, resetSeconds: 9 };
    const store: RateLimiter = { consume: async () => answer, close: async () => {} };
    const limiter = withFailMode(store, { rules, failMode: "closed", onStoreError: () => {} });
    expect(await limiter.consume("alice")).toEqual(answer);
  });
});
