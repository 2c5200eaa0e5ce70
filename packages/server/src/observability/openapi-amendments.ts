import { STATUS_CODES } from "node:http";

/**
 * What the route schemas cannot say about every operation, added to the generated document so that tools that
 * read it (linters, validating proxies, client generators) see the API as it answers: the errors any request may
 * get before or beside its route's own, the headers on every answer, and that unauthenticated operations need no
 * security.
 */

interface Response {
  $ref?: string;
  description?: string;
  headers?: Record<string, unknown>;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: {
    content?: Record<string, { schema?: { properties?: Record<string, Record<string, unknown>> } }>;
  };
  responses?: Record<string, Response>;
}

export type Paths = Record<string, Record<string, Operation>>;

const header = (description: string, schema: object) => ({ description, schema });

/** The errors any request may get, in the body shape of the API (`ErrorBody`) or of `/v1` (`OpenAiError`). */
function commonErrors(prefix: string, body: string) {
  const content = { "application/json": { schema: { $ref: `#/components/schemas/${body}` } } };
  return {
    [`${prefix}PayloadTooLarge`]: { description: "The body is larger than BODY_LIMIT.", content },
    [`${prefix}UriTooLong`]: { description: "A path parameter is too long.", content },
    [`${prefix}UnsupportedMediaType`]: { description: "The body is not `application/json`.", content },
    [`${prefix}InternalError`]: {
      description: "An unexpected failure; the request id finds it in the logs.",
      content,
    },
    [`${prefix}ServiceUnavailable`]: {
      description:
        "A service the request needs (database, Redis, the embedding model's queue) is unavailable.",
      headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } },
      content,
    },
  };
}

/** The operations of the OpenAI-compatible API (tag `openai`) answer errors in OpenAI's shape. */
const OPENAI_TAG = "openai";
const OPENAI_PREFIX = "OpenAi";

/** Headers and responses the operations refer to. */
export const SHARED_COMPONENTS = {
  headers: {
    RequestId: header(
      "The request's id (the caller's `X-Request-Id`, or a fresh one): quote it when reporting.",
      {
        type: "string",
      },
    ),
    RateLimitLimit: header("The smallest limit among the windows of the route's throttle.", {
      type: "integer",
    }),
    RateLimitRemaining: header("Requests left in the window with the fewest left.", { type: "integer" }),
    RateLimitReset: header("Seconds until it refills; on a 429, as Retry-After.", { type: "integer" }),
    RetryAfter: header("Seconds to wait before trying again.", { type: "integer" }),
  },
  responses: { ...commonErrors("", "ErrorBody"), ...commonErrors(OPENAI_PREFIX, "OpenAiError") },
};

const ref = (kind: "headers" | "responses", name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** Amends every operation in place; `promptMaxLength` is PROMPT_MAX_LENGTH, which the handler enforces. */
export function amendOperations(paths: Paths, promptMaxLength: number): void {
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      operation.security ??= [];
      operation.responses ??= {};
      const { responses } = operation;
      const common: Record<string, string> = { "414": "UriTooLong", "500": "InternalError" };
      if (operation.requestBody)
        Object.assign(common, { "413": "PayloadTooLarge", "415": "UnsupportedMediaType" });
      if (operation.operationId !== "checkLiveness") common["503"] = "ServiceUnavailable";
      const prefix = operation.tags?.includes(OPENAI_TAG) ? OPENAI_PREFIX : "";
      for (const [status, name] of Object.entries(common))
        responses[status] ??= ref("responses", prefix + name);
      const throttled = "429" in responses;
      for (const [status, response] of Object.entries(responses)) {
        if ("$ref" in response) continue;
        if (response.description === "Default Response")
          response.description = STATUS_CODES[status] ?? status;
        response.headers ??= {};
        const { headers } = response;
        headers["x-request-id"] = ref("headers", "RequestId");
        if (throttled) {
          headers["RateLimit-Limit"] = ref("headers", "RateLimitLimit");
          headers["RateLimit-Remaining"] = ref("headers", "RateLimitRemaining");
          headers["RateLimit-Reset"] = ref("headers", "RateLimitReset");
        }
        if (status === "429" || status === "503") headers["Retry-After"] = ref("headers", "RetryAfter");
      }
      const prompt = operation.requestBody?.content?.["application/json"]?.schema?.properties?.prompt;
      if (operation.operationId === "createPrompt" && prompt) prompt.maxLength = promptMaxLength;
    }
  }
}
