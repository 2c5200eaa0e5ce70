/**
 * The Prompt Service wire contract beyond its schemas: error and close codes, the media type of an export, how a
 * response's wait before a retry is read, and the backoff when it says none. No dependency and nothing of Node's,
 * for the server and for every client (browsers too). The TypeBox schemas of the bodies and events are
 * `@prompt-service/protocol/schemas`.
 */
export { CLOSE_CODES } from "./close-codes.js";
export { ERROR_CODES, type ErrorCode, type FieldErrors } from "./error-codes.js";
export { type Backoff, backoffDelayMs, parseRetryAfter, retryAfterMs } from "./retry.js";

/** NDJSON's media type, of an export and an import: one JSON object per line. */
export const NDJSON = "application/x-ndjson";
