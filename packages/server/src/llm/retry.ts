import { parseRetryAfter } from "@prompt-service/sdk/protocol";
import type { Dispatcher } from "undici";

type IncomingHttpHeaders = Dispatcher.ResponseData["headers"];

/** The longest wait honoured from a Retry-After header; a provider asking for more is retried after this much. */
export const MAX_RETRY_AFTER_MS = 10_000;

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;

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
  const asked = retryAfterMs(headers, now);
  if (asked !== undefined && asked >= remainingMs) return undefined;
  const delay = asked === undefined ? backoffMs(attempt) : Math.min(asked, MAX_RETRY_AFTER_MS);
  return delay < remainingMs ? delay : undefined;
}

/** Exponential from 0.5 s up to 8 s, minus up to 25 % jitter so that clients refused together do not return together. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF_BASE_MS * 2 ** attempt, BACKOFF_MAX_MS);
  return ceiling * (1 - Math.random() * 0.25);
}

/** `retry-after-ms` (sent by OpenAI) or `retry-after` in seconds or as an HTTP date; undefined when absent or invalid. */
export function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const milliseconds = headerValue(headers, "retry-after-ms");
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  const seconds = parseRetryAfter(headerValue(headers, "retry-after"), now);
  return seconds === undefined ? undefined : seconds * 1000;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim();
}
