import { type Backoff, backoffDelayMs } from "@prompt-service/protocol";
import { APIError, ConnectionError } from "../errors.js";

const HTTP_BACKOFF: Backoff = { initialDelayMs: 500, maxDelayMs: 8_000 };

/**
 * The longest Retry-After the client waits out by default, in seconds: a longer one is not worth sitting through in
 * silence, so the RateLimitError goes to the caller at once, who can decide (or tell a person how long to wait).
 */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Failures that another attempt may not meet: throttling, server errors, timeouts, broken connections, and a request
 * with the same Idempotency-Key still running (the retry then gets its result).
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  if (!(error instanceof APIError)) return false;
  if (error.status === 409) return error.code === "idempotency_key_in_flight";
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

/**
 * How long to wait before retry number `attempt`: what the server asked for when it said (never less), else
 * jittered backoff; undefined when the server asks for more than `maxRetryAfterSeconds`.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  maxRetryAfterSeconds = DEFAULT_MAX_RETRY_AFTER_SECONDS,
): number | undefined {
  if (retryAfterSeconds === undefined) return backoffDelayMs(attempt, HTTP_BACKOFF);
  return retryAfterSeconds <= maxRetryAfterSeconds ? retryAfterSeconds * 1000 : undefined;
}
