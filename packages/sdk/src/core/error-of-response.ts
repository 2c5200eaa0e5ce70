import { retryAfterMs } from "@prompt-service/protocol";
import {
  APIError,
  AuthenticationError,
  ConflictError,
  type HeaderReader,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ValidationError,
} from "../errors.js";
import type { ErrorBody } from "../generated/api.js";

const CLASS_OF_STATUS: Record<number, typeof APIError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  429: RateLimitError,
};

const isErrorBody = (body: unknown): body is ErrorBody =>
  typeof body === "object" &&
  body !== null &&
  typeof (body as ErrorBody).detail === "string" &&
  typeof (body as ErrorBody).code === "string";

/**
 * The error for an error response. A body that is not the API's `{detail, code}` (a proxy's HTML page) still
 * gives a readable error, with the code `http_error`.
 */
export function errorOfResponse(status: number, body: unknown, headers: HeaderReader): APIError {
  const errorBody = isErrorBody(body)
    ? body
    : {
        detail: typeof body === "string" && body ? body.slice(0, 200) : `HTTP ${status}`,
        code: "http_error",
      };
  const requestId = headers.get("x-request-id") ?? undefined;
  const ErrorClass =
    status === 429 && errorBody.code === "quota_exceeded"
      ? QuotaExceededError
      : (CLASS_OF_STATUS[status] ?? (status >= 500 ? InternalServerError : APIError));
  const wait = retryAfterMs((name) => headers.get(name));
  return new ErrorClass(status, errorBody, requestId, wait === undefined ? undefined : wait / 1000, headers);
}
