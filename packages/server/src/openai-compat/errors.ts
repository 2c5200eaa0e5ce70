import type { ErrorCode } from "@prompt-service/protocol";
import type { ErrorObject } from "ajv";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../http/api-error.js";
import { toApiError } from "../http/error-handler.js";

/** OpenAI's error object: `{"error": {message, type, param, code}}` is what its clients parse into typed errors. */
export interface OpenAiErrorFields {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** An error as `/v1` answers it: OpenAI's status, fields and headers. */
export class OpenAiError extends Error {
  readonly statusCode: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    fields: OpenAiErrorFields,
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(fields.message, { cause: options.cause });
    this.name = "OpenAiError";
    this.statusCode = statusCode;
    this.type = fields.type;
    this.param = fields.param;
    this.code = fields.code;
    this.headers = options.headers ?? {};
  }

  toBody(): { error: OpenAiErrorFields } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A request for a model this server does not answer with: OpenAI's 404, which its clients raise as NotFoundError. */
export function modelNotFound(model: string): OpenAiError {
  return new OpenAiError(404, {
    message: `The model '${model}' does not exist or you do not have access to it. See GET /v1/models.`,
    type: "invalid_request_error",
    param: "model",
    code: "model_not_found",
  });
}

/** A 400 naming the request field at fault. */
export function invalidParam(param: string, message: string, code = "invalid_value"): OpenAiError {
  return new OpenAiError(400, { message, type: "invalid_request_error", param, code });
}

/**
 * The API's error codes that OpenAI names otherwise. The others keep the API's code (`llm_timeout`,
 * `payload_too_large`…), with OpenAI's type for their status.
 */
const OPENAI_NAMES: Partial<Record<ErrorCode, { type: string; code: string }>> = {
  not_authenticated: { type: "invalid_request_error", code: "invalid_api_key" },
  token_not_valid: { type: "invalid_request_error", code: "invalid_api_key" },
  throttled: { type: "requests", code: "rate_limit_exceeded" },
  quota_exceeded: { type: "insufficient_quota", code: "insufficient_quota" },
};

function fromApiError(error: ApiError): OpenAiError {
  const named = OPENAI_NAMES[error.code];
  const type = named?.type ?? (error.statusCode >= 500 ? "server_error" : "invalid_request_error");
  return new OpenAiError(
    error.statusCode,
    { message: error.message, type, param: null, code: named?.code ?? error.code },
    { headers: error.headers, cause: error },
  );
}

/** The fields from the body to the one at fault: `/messages/0/content` → ["messages", "0", "content"]. */
function pathOf(error: ErrorObject): string[] {
  const path = error.instancePath.split("/").filter(Boolean);
  if (error.keyword === "required") path.push(String(error.params.missingProperty));
  return path;
}

/** `messages[0].content`, the way OpenAI names a param. */
function paramOf(error: ErrorObject): string {
  return pathOf(error).reduce(
    (param, key) => (/^\d+$/.test(key) ? `${param}[${key}]` : param ? `${param}.${key}` : key),
    "",
  );
}

/**
 * The schema's verdict as OpenAI words it, about one param: the deepest failure (inside a union, the branch that
 * came closest), preferring the schema's own message where it has one.
 */
function fromValidation(errors: readonly ErrorObject[]): OpenAiError {
  const depth = (error: ErrorObject) => pathOf(error).length;
  const deepest = Math.max(...errors.map(depth));
  const candidates = errors.filter((error) => depth(error) === deepest);
  const custom = (error: ErrorObject) =>
    (error.parentSchema as { "x-error"?: string } | undefined)?.["x-error"];
  const chosen = candidates.find(custom) ?? (candidates[0] as ErrorObject);
  const param = paramOf(chosen);
  if (chosen.keyword === "required") {
    return invalidParam(param, `Missing required parameter: '${param}'.`, "missing_required_parameter");
  }
  const reason = custom(chosen) ?? `${chosen.message ?? "is invalid"}.`;
  return invalidParam(
    param || "body",
    `Invalid value for '${param || "body"}': ${reason}`,
    chosen.keyword === "type" ? "invalid_type" : "invalid_value",
  );
}

/** Any error → the OpenAI error the client gets. */
export function toOpenAiError(error: FastifyError | Error): OpenAiError {
  if (error instanceof OpenAiError) return error;
  const validation = (error as FastifyError).validation;
  if (!(error instanceof ApiError) && validation) return fromValidation(validation as ErrorObject[]);
  return fromApiError(toApiError(error as FastifyError));
}

export function openAiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const failure = toOpenAiError(error);
  if (failure.statusCode >= 500) request.log.error({ err: error }, "request failed");
  reply.code(failure.statusCode).headers(failure.headers).send(failure.toBody());
}

export function openAiNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const failure = new OpenAiError(404, {
    message: `Invalid URL (${request.method} ${request.url.split("?")[0]}).`,
    type: "invalid_request_error",
    param: null,
    code: "unknown_url",
  });
  reply.code(failure.statusCode).send(failure.toBody());
}
