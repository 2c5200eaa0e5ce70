import { type Backoff, backoffDelayMs, retryAfterMs } from "@prompt-service/protocol";
import type { Dispatcher } from "undici";

type IncomingHttpHeaders = Dispatcher.ResponseData["headers"];

/** The longest wait honoured from a Retry-After header; a provider asking for more is retried after this much. */
export const MAX_RETRY_AFTER_MS = 10_000;

/** From 0.5 s, doubling up to 8 s: the SDK's policy, which the provider gets too. */
const PROVIDER_BACKOFF: Backoff = { initialDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Errors of a connection the provider (or a proxy) dropped, typically a kept-alive socket closed while idle: the
 * request never got an answer, so it is worth sending again.
 */
const CONNECTION_RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function isConnectionReset(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECTION_RESET_CODES.has(code);
}

/**
 * How long to wait before retrying, or undefined when the wait would outlast the call's remaining budget (then the
 * call fails at once rather than sleeping into a timeout). A provider's Retry-After wins over the backoff.
 */
export function retryDelayMs(
  headers: IncomingHttpHeaders,
  attempt: number,
  remainingMs: number,
  now = Date.now(),
): number | undefined {
  // `retry-after-ms` (sent by OpenAI), else `retry-after` in seconds or as an HTTP date.
  const asked = retryAfterMs((name) => headerValue(headers, name), now);
  if (asked !== undefined && asked >= remainingMs) return undefined;
  const delay =
    asked === undefined ? backoffDelayMs(attempt, PROVIDER_BACKOFF) : Math.min(asked, MAX_RETRY_AFTER_MS);
  return delay < remainingMs ? delay : undefined;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
