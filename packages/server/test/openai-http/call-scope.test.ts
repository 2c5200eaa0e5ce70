import { getEventListeners } from "node:events";
import type { FastifyError } from "fastify";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { toApiError } from "../../src/http/error-handler.js";
import { CallScope } from "../../src/openai-http/call-scope.js";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("CallScope", () => {
  it("aborts when the budget runs out and reports llm_timeout", () => {
    const scope = new CallScope("language model", 300);
    vi.advanceTimersByTime(299);
    expect(scope.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(scope.signal.aborted).toBe(true);
    const error = scope.toCallerError(new Error("socket aborted"));
    expect(error).toBeInstanceOf(ProviderError);
    expect(toApiError(error as FastifyError).code).toBe("llm_timeout");
    scope.dispose();
  });

  it("restarts the budget, which makes it an idle timeout", () => {
    const scope = new CallScope("language model", 300);
    vi.advanceTimersByTime(200);
    scope.restart();
    expect(scope.remainingMs()).toBe(300);
    vi.advanceTimersByTime(200);
    expect(scope.signal.aborted).toBe(false);
    scope.dispose();
  });

  it("passes the caller's abort reason through, not as a provider failure", () => {
    const caller = new AbortController();
    const scope = new CallScope("language model", 300, caller.signal);
    const reason = new Error("caller gave up");
    caller.abort(reason);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.toCallerError(new Error("request aborted"))).toBe(reason);
    scope.dispose();
  });

  it("starts aborted when the caller's signal already is", () => {
    const reason = new Error("too late");
    const scope = new CallScope("language model", 300, AbortSignal.abort(reason));
    expect(scope.signal.aborted).toBe(true);
    expect(scope.toCallerError(new Error("request aborted"))).toBe(reason);
    scope.dispose();
  });

  it("maps other errors to llm_error and keeps ProviderErrors as they are", () => {
    const scope = new CallScope("language model", 300);
    const failure = new ProviderError("language model", "The language model provider answered HTTP 500.");
    expect(scope.toCallerError(failure)).toBe(failure);
    const mapped = scope.toCallerError(new TypeError("terminated"));
    expect(toApiError(mapped as FastifyError).code).toBe("llm_error");
    scope.dispose();
  });

  it("leaves no timer or listener behind and cancels what is still running", () => {
    const caller = new AbortController();
    const scope = new CallScope("language model", 300, caller.signal);
    expect(vi.getTimerCount()).toBe(1);
    scope.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
    expect(scope.signal.aborted).toBe(true);
  });

  it("sleeps, and stops sleeping when the call ends", async () => {
    const scope = new CallScope("language model", 10_000);
    const slept = scope.sleep(100);
    vi.advanceTimersByTime(100);
    await expect(slept).resolves.toBeUndefined();
    const interrupted = scope.sleep(1_000);
    scope.dispose();
    await expect(interrupted).rejects.toThrow();
    expect(vi.getTimerCount()).toBe(0);
  });
});
