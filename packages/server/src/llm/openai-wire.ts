import { ProviderError } from "../errors.js";
import { codeSuffix } from "../openai-http/provider-post.js";
import type { ChatRequest, FinishReason, TokenUsage } from "./port.js";

/**
 * The JSON of OpenAI's chat completions API. Error details name what went wrong but never echo the provider's text,
 * which can quote the prompt or part of the API key.
 */

/** The request body: the chat, the settings the caller gave, and, when streaming, a request for the usage chunk. */
export function chatRequest(model: string, chat: ChatRequest, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: chat.messages,
    // max_tokens rather than max_completion_tokens: the one that OpenAI-compatible servers (vLLM, Ollama, proxies)
    // all know.
    ...(chat.maxTokens !== undefined && { max_tokens: chat.maxTokens }),
    ...(chat.temperature !== undefined && { temperature: chat.temperature }),
    ...(chat.topP !== undefined && { top_p: chat.topP }),
    ...(chat.stop !== undefined && chat.stop.length > 0 && { stop: chat.stop }),
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  });
}

/** The provider's own token counts. */
export type ProviderUsage = Omit<TokenUsage, "estimated">;

/** A whole completion as the provider answered it; `usage` is absent when it reported none. */
export interface ProviderAnswer {
  content: string;
  finishReason: FinishReason;
  usage: ProviderUsage | undefined;
}

/** What one streamed chunk carries: text (maybe empty), and in the last ones the finish reason and the usage. */
export interface StreamChunk {
  content: string;
  finishReason: FinishReason | undefined;
  usage: ProviderUsage | undefined;
}

/** A whole completion: `choices[0].message.content`, its finish reason and the provider's usage. */
export function completionOf(body: string): ProviderAnswer {
  const payload = parseJson(body, "body");
  const content = at(payload, "choices", 0, "message", "content");
  if (typeof content !== "string") {
    throw new ProviderError(
      "language model",
      "The language model provider's answer has no choices[0].message.content.",
    );
  }
  return {
    content,
    finishReason: finishReasonOf(at(payload, "choices", 0, "finish_reason")) ?? "stop",
    usage: usageOf(at(payload, "usage")),
  };
}

/** One stream chunk: `choices[0].delta.content` (empty for the role, the finish reason, usage), and the rest. */
export function streamChunkOf(data: string): StreamChunk {
  const chunk = parseJson(data, "stream event");
  if (isObject(at(chunk, "error"))) {
    throw new ProviderError(
      "language model",
      `The language model provider failed mid-stream${codeSuffix(chunk)}.`,
    );
  }
  const content = at(chunk, "choices", 0, "delta", "content");
  return {
    content: typeof content === "string" ? content : "",
    finishReason: finishReasonOf(at(chunk, "choices", 0, "finish_reason")),
    usage: usageOf(at(chunk, "usage")),
  };
}

/** OpenAI's finish reasons that mean something without tools; others (none, tool calls) are an ordinary end. */
function finishReasonOf(value: unknown): FinishReason | undefined {
  if (value === "length" || value === "content_filter") return value;
  return typeof value === "string" ? "stop" : undefined;
}

/** `usage` when it holds two counts; a provider that sends none, or nonsense, gets its usage estimated. */
function usageOf(value: unknown): ProviderUsage | undefined {
  const promptTokens = at(value, "prompt_tokens");
  const completionTokens = at(value, "completion_tokens");
  return isCount(promptTokens) && isCount(completionTokens) ? { promptTokens, completionTokens } : undefined;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The SyntaxError quotes the text, so it is not kept as the cause.
    throw new ProviderError("language model", `The language model provider sent a malformed JSON ${what}.`);
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
