import { describe, expect, it } from "vitest";
import {
  backoffMs,
  isConnectionReset,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  retryAfterMs,
  retryDelayMs,
} from "../../src/llm/retry.js";

const NOW = Date.parse("2025-01-01T00:00:00Z");

describe("retryAfterMs", () => {
  it.each([
    [{ "retry-after": "1" }, 1_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": " 2 " }, 2_000],
    [{ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }, 3_000],
    [{ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, 0],
    [{ "retry-after-ms": "250", "retry-after": "1" }, 250],
    [{ "retry-after": ["4", "9"] }, 4_000],
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": "" }, undefined],
    [{ "retry-after": "-1" }, undefined],
    [{}, undefined],
  ])("reads %j as %s ms", (headers, expected) => {
    expect(retryAfterMs(headers, NOW)).toBe(expected);
  });
});

describe("retryDelayMs", () => {
  it("honours Retry-After", () => {
    expect(retryDelayMs({ "retry-after": "1" }, 0, 30_000, NOW)).toBe(1_000);
  });

  it("caps a long Retry-After", () => {
    expect(retryDelayMs({ "retry-after": "20" }, 0, 30_000, NOW)).toBe(MAX_RETRY_AFTER_MS);
  });

  it("gives up when Retry-After is longer than the time left, even when the cap is not", () => {
    expect(retryDelayMs({ "retry-after": "20" }, 0, 15_000, NOW)).toBeUndefined();
    expect(retryDelayMs({ "retry-after": "2" }, 0, 1_500, NOW)).toBeUndefined();
  });

  it("backs off when there is no Retry-After, unless the backoff outlasts the time left", () => {
    const delay = retryDelayMs({}, 0, 30_000, NOW);
    expect(delay).toBeGreaterThanOrEqual(375);
    expect(delay).toBeLessThanOrEqual(500);
    expect(retryDelayMs({}, 0, 100, NOW)).toBeUndefined();
  });
});

describe("backoffMs", () => {
  it("doubles from 0.5 s up to 8 s, with up to 25 % jitter", () => {
    for (const [attempt, ceiling] of [
      [0, 500],
      [1, 1_000],
      [2, 2_000],
      [5, 8_000],
      [10, 8_000],
    ] as const) {
      const samples = Array.from({ length: 50 }, () => backoffMs(attempt));
      expect(Math.max(...samples)).toBeLessThanOrEqual(ceiling);
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(ceiling * 0.75);
    }
  });
});

describe("what is retried", () => {
  it("retries 429 and 5xx only", () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });

  it("retries dropped connections only", () => {
    for (const code of ["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]) {
      expect(isConnectionReset(Object.assign(new Error("x"), { code }))).toBe(true);
    }
    expect(isConnectionReset(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(false);
    expect(isConnectionReset(new Error("x"))).toBe(false);
    expect(isConnectionReset(null)).toBe(false);
  });
});
