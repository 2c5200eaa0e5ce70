import type { FieldErrors } from "@prompt-service/protocol";
import type { ErrorBody } from "./generated/api.js";

/** Field name → messages, for validation errors. */
export type { FieldErrors };

/** The headers of a response: a fetch Response's, or any object that reads them by name. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A machine-readable error code: one of the server's, or another a newer server may add. */
export type ErrorCode = ErrorBody["code"] | (string & {});

/** The base of every error the SDK throws, so one `instanceof` check catches them all. */
export class PromptServiceError extends Error {
  override readonly name: string = "PromptServiceError";
}

/** The server answered with an error status; `code` and `detail` come from its `{detail, code}` body. */
export class APIError extends PromptServiceError {
  override readonly name: string = "APIError";
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  /** The server's `x-request-id`: quote it when reporting a problem, it finds the request in the server's logs. */
  readonly requestId: string | undefined;
  /** Messages per field; set on validation errors. */
  readonly fields: FieldErrors | undefined;
  /**
   * Seconds the server asked to wait before trying again (its `retry-after-ms`, else its `Retry-After`), when it
   * said: 429, 409, 503.
   */
  readonly retryAfter: number | undefined;
  /** The response's headers, such as a 429's `RateLimit-*`. */
  readonly headers: HeaderReader | undefined;

  constructor(
    status: number,
    body: ErrorBody | { detail: string; code: ErrorCode; fields?: FieldErrors },
    requestId?: string,
    retryAfter?: number,
    headers?: HeaderReader,
  ) {
    super(`${status} ${body.code}: ${body.detail}`);
    this.status = status;
    this.code = body.code;
    this.detail = body.detail;
    this.requestId = requestId;
    this.fields = body.fields;
    this.retryAfter = retryAfter;
    this.headers = headers;
  }
}

/**
 * A streamed prompt (`prompts.stream`) ended without being stored: the model failed midway, or the database refused
 * the answer. `code` and `detail` are those of the `prompt.error` event.
 */
export class PromptFailedError extends PromptServiceError {
  override readonly name: string = "PromptFailedError";

  constructor(
    readonly promptId: number,
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(`prompt ${promptId} failed: ${code}: ${detail}`);
  }
}

/** 400: the request was malformed or a field is invalid (see `fields`). */
export class ValidationError extends APIError {
  override readonly name: string = "ValidationError";
}

/** 401: no valid credentials, or the token could not be refreshed: log in again. */
export class AuthenticationError extends APIError {
  override readonly name: string = "AuthenticationError";
}

/** 403 */
export class PermissionDeniedError extends APIError {
  override readonly name: string = "PermissionDeniedError";
}

/** 404 */
export class NotFoundError extends APIError {
  override readonly name: string = "NotFoundError";
}

/**
 * 409: the request conflicts with another; `idempotency_key_in_flight` is a request with the same Idempotency-Key
 * still running, which the client waits out (`retryAfter`) and retries like a throttle.
 */
export class ConflictError extends APIError {
  override readonly name: string = "ConflictError";
}

/** 429: throttled. `retryAfter` is how many seconds to wait before trying again, when the server said. */
export class RateLimitError extends APIError {
  override readonly name: string = "RateLimitError";
}

/**
 * 429 `quota_exceeded`: the user's token budget (USER_TOKEN_BUDGET) is spent until its UTC day or month resets,
 * which `retryAfter` counts down to and `detail` names. Not a throttle: retrying sooner never helps, so the client
 * waits only when the reset is within `maxRetryAfter`.
 */
export class QuotaExceededError extends RateLimitError {
  override readonly name: string = "QuotaExceededError";
}

/** 5xx: the server, its language model or its embedding model failed; worth retrying later. */
export class InternalServerError extends APIError {
  override readonly name: string = "InternalServerError";
}

/** The server could not be reached, or the connection broke before an answer arrived. */
export class ConnectionError extends PromptServiceError {
  override readonly name: string = "ConnectionError";
}

/** No answer within the client's `timeout`. A ConnectionError, so retry logic treats both alike. */
export class TimeoutError extends ConnectionError {
  override readonly name: string = "TimeoutError";
}

/** The caller aborted the operation through its AbortSignal. */
export class AbortError extends PromptServiceError {
  override readonly name: string = "AbortError";
}
