/**
 * The one table of error codes the API can answer with, and the status each comes with. Every error body is
 * `{detail, code}` (plus `fields` for validation errors). Codes follow Django REST framework / SimpleJWT where the
 * original service had one, so that clients written against it keep matching on them.
 */
export const ERROR_CODES = {
  parse_error: { status: 400, detail: "Malformed request body." },
  invalid: { status: 400, detail: "Invalid input." },
  not_authenticated: { status: 401, detail: "Authentication credentials were not provided." },
  token_not_valid: { status: 401, detail: "Given token not valid for any token type." },
  no_active_account: { status: 401, detail: "No active account found with the given credentials." },
  authentication_failed: { status: 401, detail: "Incorrect authentication credentials." },
  permission_denied: { status: 403, detail: "You do not have permission to perform this action." },
  not_found: { status: 404, detail: "Not found." },
  method_not_allowed: { status: 405, detail: "Method not allowed." },
  request_timeout: { status: 408, detail: "The request was not received in time." },
  idempotency_key_in_flight: {
    status: 409,
    detail: "A request with this Idempotency-Key is still being processed: retry later.",
  },
  payload_too_large: { status: 413, detail: "Request body is too large." },
  uri_too_long: { status: 414, detail: "Request URL is too long." },
  unsupported_media_type: { status: 415, detail: "Unsupported media type in request." },
  idempotency_key_reused: {
    status: 422,
    detail: "This Idempotency-Key was already used with a different request.",
  },
  upgrade_required: { status: 426, detail: "This endpoint takes WebSocket connections only." },
  throttled: { status: 429, detail: "Request was throttled." },
  quota_exceeded: { status: 429, detail: "Token budget exhausted." },
  headers_too_large: { status: 431, detail: "Request headers are too large." },
  internal_error: { status: 500, detail: "A server error occurred." },
  llm_error: { status: 502, detail: "The language model provider failed to answer." },
  embedding_error: { status: 502, detail: "The embeddings provider failed to answer." },
  service_unavailable: { status: 503, detail: "Service temporarily unavailable." },
  llm_timeout: { status: 504, detail: "The language model provider did not answer in time." },
  embedding_timeout: { status: 504, detail: "The embeddings provider did not answer in time." },
} as const satisfies Record<string, { status: number; detail: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Field name → messages, as in Django REST framework's validation errors. */
export type FieldErrors = Record<string, string[]>;
