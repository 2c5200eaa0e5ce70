/**
 * What the server and its clients must agree on beyond the API document: WebSocket close codes, how a response's
 * wait before a retry is read, and the backoff when it says none. The server bundles this file from the SDK's sources (the SDK never imports the
 * server), so that both sides read one definition.
 */

/**
 * WebSocket close codes the server uses, so clients know what to do next. 4xxx codes are the application's range
 * (RFC 6455 §7.4.2); they mirror the HTTP status a request would get.
 */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect (to another instance). */
  goingAway: 1001,
  /** A message over the size limit. */
  messageTooBig: 1009,
  /** The access token expired or is invalid (also what a refused upgrade's 401 becomes): reconnect with a fresh one. */
  unauthorized: 4401,
  /** The account was deleted: do not reconnect. */
  accountDeleted: 4410,
  /** The client reads too slowly: too much data is waiting for it. Reconnect and read faster. */
  slowConsumer: 4408,
  /**
   * Too many: the user, the client address or the instance already has the most sockets open, or the client sent
   * too many messages in a second. Wait before reconnecting.
   */
  tooManyConnections: 4429,
} as const;

/**
 * A `Retry-After` header in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  // Every HTTP-date format starts with the day's name; without this check Date.parse would accept e.g. "-1".
  const date = /^[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The wait a response asks for before a retry, in ms, read as openai-node reads it: `retry-after-ms` (sent by OpenAI
 * and compatible servers) before `Retry-After`; undefined when neither says.
 */
export function retryAfterMs(
  header: (name: string) => string | null | undefined,
  now = Date.now(),
): number | undefined {
  const milliseconds = header("retry-after-ms")?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  const seconds = parseRetryAfter(header("retry-after"), now);
  return seconds === undefined ? undefined : seconds * 1000;
}

export interface Backoff {
  /** Delay before the first retry, in ms; doubled for each one after. */
  initialDelayMs: number;
  /** Ceiling of the doubling, in ms. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with jitter that takes off up to a quarter (openai-node's), so that clients that failed
 * together do not all come back at the same instant. `attempt` counts retries already made, from 0.
 */
export function backoffDelayMs(attempt: number, backoff: Backoff): number {
  const ceiling = Math.min(backoff.initialDelayMs * 2 ** attempt, backoff.maxDelayMs);
  return Math.round(ceiling * (1 - Math.random() * 0.25));
}
