import { describe, expect, it } from "vitest";
import { backoffDelayMs, retryAfterMs } from "../src/retry.js";

// The waits the SDK, the CLI and the server's provider client share.
const NOW = Date.parse("2025-01-01T00:00:00Z");

describe("retryAfterMs", () => {
  it.each([
    [{ "retry-after": "1" }, 1_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": " 2 " }, 2_000],
    [{ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }, 3_000],
    [{ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, 0],
    [{ "retry-after-ms": "250", "retry-after": "1" }, 250],
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": "" }, undefined],
    [{ "retry-after": "-1" }, undefined],
    [{}, undefined],
  ])("reads %j as %s ms", (headers, expected) => {
    expect(retryAfterMs((name) => headers[name as keyof typeof headers], NOW)).toBe(expected);
  });
});

describe("backoffDelayMs", () => {
  it("doubles from 0.5 s up to 8 s, with up to 25 % jitter", () => {
    for (const [attempt, ceiling] of [
      [0, 500],
      [1, 1_000],
      [2, 2_000],
      [5, 8_000],
      [10, 8_000],
    ] as const) {
      const samples = Array.from({ length: 50 }, () =>
        backoffDelayMs(attempt, { initialDelayMs: 500, maxDelayMs: 8_000 }),
      );
      expect(Math.max(...samples)).toBeLessThanOrEqual(ceiling);
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(ceiling * 0.75);
    }
  });
});
