import { ERROR_CODES, type ErrorCode, type FieldErrors } from "@prompt-service/protocol";
import type { ErrorBody as ErrorBodySchema } from "@prompt-service/protocol/schemas";
import type { Static } from "typebox";

/** Every error response's body: `{detail, code}`, plus `fields` for validation errors. */
export type ErrorBody = Static<typeof ErrorBodySchema>;

/**
 * An error meant for the client: its code fixes the status, its detail is safe to show. Only the HTTP layer and the
 * routes build one; the services below them throw errors.ts's, which `toApiError` (error-handler.ts) maps.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly fields: FieldErrors | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: string = ERROR_CODES[code].detail,
    options: { fields?: FieldErrors; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return this.fields
      ? { detail: this.message, code: this.code, fields: this.fields }
      : { detail: this.message, code: this.code };
  }
}

export function validationError(fields: FieldErrors): ApiError {
  const summary = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
    .join("; ");
  return new ApiError("invalid", summary || ERROR_CODES.invalid.detail, { fields });
}
