import { ERROR_CODES, type ErrorCode } from "@prompt-service/protocol";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import {
  InvalidTokenError,
  OverloadedError,
  ProviderError,
  type ProviderKind,
  TokenBudgetExceededError,
} from "../errors.js";
import { isDatabaseUnavailable, isDataException } from "../storage/index.js";
import { ApiError, validationError } from "./api-error.js";
import { fieldErrors } from "./validation.js";

/** Fastify's own error codes that are the client's fault, with the API code each becomes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "parse_error",
  FST_ERR_CTP_EMPTY_JSON_BODY: "parse_error",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "parse_error",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_TYPE: "unsupported_media_type",
  FST_ERR_BAD_URL: "invalid",
  FST_ERR_ASYNC_CONSTRAINT: "invalid",
  FST_ERR_MAX_PARAM_LENGTH: "uri_too_long",
};

/** Seconds a client should wait before retrying while the database is unreachable. */
const UNAVAILABLE_RETRY_SECONDS = "5";

const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  400: "invalid",
  401: "not_authenticated",
  403: "permission_denied",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "throttled",
};

/** The codes of a provider's failures: a client tells a search that failed from an answer that did. */
const PROVIDER_CODES: Record<ProviderKind, { failed: ErrorCode; timedOut: ErrorCode }> = {
  "language model": { failed: "llm_error", timedOut: "llm_timeout" },
  embeddings: { failed: "embedding_error", timedOut: "embedding_timeout" },
};

/** Any error → an ApiError whose body is safe to send; `request`, when given, lets its detail name the route's limits. */
export function toApiError(error: FastifyError | ApiError, request?: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(fieldErrors(error.validation as never));
  // A body the client cut short: Node's "aborted" (ECONNRESET), which Fastify's body reader marks 400. Checked before
  // the database's connection errors, which share the code: it is the client's connection that went.
  if (error.statusCode === 400 && error.code === "ECONNRESET") {
    return new ApiError("parse_error", "The request body was cut short: the client closed the connection.");
  }
  if (error instanceof OverloadedError) return refusedForNow("service_unavailable", error);
  if (error instanceof TokenBudgetExceededError) return refusedForNow("quota_exceeded", error);
  if (error instanceof InvalidTokenError) {
    // RFC 6750's challenge tells the client to refresh its token or log in again.
    return new ApiError("token_not_valid", error.message, {
      headers: { "www-authenticate": 'Bearer realm="api", error="invalid_token"' },
      cause: error,
    });
  }
  if (error instanceof ProviderError) {
    const codes = PROVIDER_CODES[error.provider];
    return new ApiError(error.timedOut ? codes.timedOut : codes.failed, error.message, { cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new ApiError("service_unavailable", "The database is unavailable; try again shortly.", {
      headers: { "retry-after": UNAVAILABLE_RETRY_SECONDS },
      cause: error,
    });
  }
  if (isDataException(error)) {
    // Input that passed validation but that the database cannot take: the client's to fix, not a server fault.
    return new ApiError("invalid", "A value in the request cannot be stored.", { cause: error });
  }
  const code = FASTIFY_CODES[error.code] ?? (error.statusCode ? CODE_OF_STATUS[error.statusCode] : undefined);
  if (code) return new ApiError(code, DETAIL_OF[code]?.(error, request) ?? ERROR_CODES[code].detail);
  return new ApiError("internal_error", ERROR_CODES.internal_error.detail, { cause: error });
}

/** A refusal that lasts until the error's Retry-After, in its own words: a full queue, a spent budget. */
function refusedForNow(code: ErrorCode, error: Error & { retryAfterSeconds: number }): ApiError {
  return new ApiError(code, error.message, {
    headers: { "retry-after": String(error.retryAfterSeconds) },
    cause: error,
  });
}

/** Details that tell the client what to change, where the table's one-liner would leave it guessing. */
const DETAIL_OF: Partial<Record<ErrorCode, (error: FastifyError, request?: FastifyRequest) => string>> = {
  parse_error: (error) => error.message,
  // The route's limit: the server's BODY_LIMIT unless a route sets its own.
  payload_too_large: (_error, request) =>
    `Request body is too large: at most ${request?.routeOptions.bodyLimit ?? "BODY_LIMIT"} bytes (BODY_LIMIT).`,
  unsupported_media_type: () =>
    "Unsupported media type: send the body as JSON, with the header `Content-Type: application/json`.",
};

export function errorHandler(
  error: FastifyError | ApiError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const apiError = toApiError(error, request);
  if (apiError.code === "service_unavailable") {
    // A full queue or a database that is away: the client retries after Retry-After. Counted, not a fault to trace.
    request.log.warn(
      { code: apiError.code, reason: apiError.cause ? String(apiError.cause) : apiError.message },
      "request refused: service unavailable",
    );
  } else if (apiError.statusCode >= 500) {
    request.log.error({ err: error }, "request failed");
  }
  reply.code(apiError.statusCode).headers(apiError.headers).send(apiError.toBody());
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const error = new ApiError("not_found", `No route for ${request.method} ${request.url.split("?")[0]}.`);
  reply.code(error.statusCode).send(error.toBody());
}
