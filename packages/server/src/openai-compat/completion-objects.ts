import type { Static } from "typebox";
import type { FinishReason } from "../llm/port.js";
import type { AnsweredPrompt } from "../prompts/answer-prompt.js";
import type { StoredPrompt } from "../storage/index.js";
import type { ChatCompletion } from "./schemas.js";

/** What every object of one completion repeats: its id, when it was created and the model that answered. */
export interface CompletionIdentity {
  /** `chatcmpl-<prompt id>`: the stored prompt is one request away. */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

export function completionId(promptId: number): string {
  return `chatcmpl-${promptId}`;
}

/** The tokens recorded with the prompt, in OpenAI's names: 0 for an answer reused without a model call. */
export function usageOf(prompt: StoredPrompt) {
  return {
    prompt_tokens: prompt.promptTokens,
    completion_tokens: prompt.completionTokens,
    total_tokens: prompt.promptTokens + prompt.completionTokens,
  };
}

/** The `chat.completion` of a prompt answered and stored. */
export function completionOf(
  identity: CompletionIdentity,
  answered: AnsweredPrompt,
): Static<typeof ChatCompletion> {
  return {
    ...identity,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answered.response, refusal: null },
        logprobs: null,
        finish_reason: answered.finishReason,
      },
    ],
    usage: usageOf(answered),
  };
}

/**
 * A `chat.completion.chunk` with one choice. When the client asked for usage, every chunk has `usage: null` but the
 * last one, which has the usage and no choices (see usageChunkOf): OpenAI's clients rely on both.
 */
export function chunkOf(
  identity: CompletionIdentity,
  delta: { role?: "assistant"; content?: string },
  finishReason: FinishReason | null,
  withUsage: boolean,
) {
  return {
    ...identity,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(withUsage && { usage: null }),
  };
}

export function usageChunkOf(identity: CompletionIdentity, prompt: StoredPrompt) {
  return { ...identity, object: "chat.completion.chunk", choices: [], usage: usageOf(prompt) };
}
