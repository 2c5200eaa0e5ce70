/**
 * `@prompt-service/sdk/protocol`, kept for the code that imports it: what the server and its clients agree on beyond
 * the API document (WebSocket close codes, Retry-After, the backoff), now defined in @prompt-service/protocol, which
 * the SDK's build bundles.
 */
export {
  type Backoff,
  backoffDelayMs,
  CLOSE_CODES,
  parseRetryAfter,
  retryAfterMs,
} from "@prompt-service/protocol";
