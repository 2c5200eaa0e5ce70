import { describe, expect, it } from "vitest";
import {
  isConnectionReset,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  retryDelayMs,
} from "../../src/openai-http/retry.js";

const NOW = Date.parse("2025-01-01T00:00:00Z");

describe("retryDelayMs", () => {
  it("honours Retry-After, and OpenAI's retry-after-ms first", () => {
    expect(retryDelayMs({ "retry-after": "1" }, 0, 30_000, NOW)).toBe(1_000);
    expect(retryDelayMs({ "retry-after-ms": "250", "retry-after": "1" }, 0, 30_000, NOW)).toBe(250);
    expect(retryDelayMs({ "retry-after": ["4", "9"] }, 0, 30_000, NOW)).toBe(4_000);
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
