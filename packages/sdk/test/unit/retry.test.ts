import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../src/core/retry.js";
import { parseRetryAfter } from "../../src/protocol.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it.each([
    ["3", 3],
    ["0", 0],
    ["1.5", 1.5],
    ["Wed, 01 Jan 2025 00:00:10 GMT", 10],
    ["Wed, 01 Jan 2025 00:00:09 GMT", 9],
    ["Tue, 31 Dec 2024 23:59:00 GMT", 0],
  ])("reads %j as %d seconds", (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });

  it.each([[null], [""], ["-1"], ["soon"]])("ignores %j", (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("waits what the server asked for, up to a minute", () => {
    expect(retryDelayMs(0, 2)).toBe(2_000);
    expect(retryDelayMs(5, 60)).toBe(60_000);
    expect(retryDelayMs(0, 61)).toBeUndefined();
  });

  it("gives up on a Retry-After above the caller's maximum", () => {
    expect(retryDelayMs(0, 1, 1)).toBe(1_000);
    expect(retryDelayMs(0, 2, 1)).toBeUndefined();
  });

  it("backs off within [75 %, 100 %] of 500 ms × 2^attempt, at most 8 s", () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(500 * 2 ** attempt, 8_000);
      const delay = retryDelayMs(attempt, undefined) ?? Number.NaN;
      expect(delay).toBeGreaterThanOrEqual(ceiling * 0.75);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});
