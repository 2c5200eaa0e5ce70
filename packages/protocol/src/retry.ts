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
