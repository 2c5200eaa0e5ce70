import { ApiError } from "../errors.js";
import type { ProviderErrors } from "./provider-errors.js";

/**
 * The JSON of OpenAI's chat completions API. Error details name what went wrong but never echo the provider's text,
 * which can quote the prompt or part of the API key.
 */

export function chatRequest(model: string, prompt: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [{ role: "user", content: prompt }],
    ...(stream && { stream: true }),
  });
}

/** `choices[0].message.content` of a whole completion. */
export function completionContent(body: string): string {
  const content = at(parseJson(body, "body"), "choices", 0, "message", "content");
  if (typeof content !== "string") {
    throw new ApiError(
      "llm_error",
      "The language model provider's answer has no choices[0].message.content.",
    );
  }
  return content;
}

/** `choices[0].delta.content` of a stream chunk; empty for chunks without text (the role, the finish reason, usage). */
export function deltaContent(data: string): string {
  const chunk = parseJson(data, "stream event");
  if (isObject(at(chunk, "error"))) {
    throw new ApiError("llm_error", `The language model provider failed mid-stream${codeSuffix(chunk)}.`);
  }
  const content = at(chunk, "choices", 0, "delta", "content");
  return typeof content === "string" ? content : "";
}

/** For a non-2xx answer: its status and, when the body has one, OpenAI's machine-readable error code. */
export function statusError(errors: ProviderErrors, status: number, body: string): ApiError {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    // Not JSON (e.g. a proxy's HTML page): the status alone has to do.
  }
  return new ApiError(
    errors.failed,
    `The ${errors.providerName} answered HTTP ${status}${codeSuffix(payload)}.`,
  );
}

/** " (code)" from `error.code` or `error.type`, kept only when it is an identifier so no free text slips through. */
function codeSuffix(payload: unknown): string {
  for (const field of ["code", "type"]) {
    const value = at(payload, "error", field);
    if (typeof value === "string" && /^[\w.-]{1,64}$/.test(value)) return ` (${value})`;
  }
  return "";
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The SyntaxError quotes the text, so it is not kept as the cause.
    throw new ApiError("llm_error", `The language model provider sent a malformed JSON ${what}.`);
  }
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
