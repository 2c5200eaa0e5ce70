import type { ChatMessage, TokenUsage } from "../storage/index.js";

// A chat and its cost are stored as the model took and reported them: one definition, the storage port's.
export type { ChatMessage, TokenUsage };

/** A chat to answer: its turns, and the generation settings an OpenAI client may pass along. */
export interface ChatRequest {
  messages: readonly ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: readonly string[];
  /** Aborting it stops the call; it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Why the model stopped writing: the end of its answer (or a stop sequence), the `maxTokens` limit, or the provider's
 * content filter. OpenAI's names, which `/v1` passes on as they are.
 */
export type FinishReason = "stop" | "length" | "content_filter";

/** How an answer ended: what a streamed answer returns once its last piece is out. */
export interface AnswerEnd {
  finishReason: FinishReason;
  usage: TokenUsage;
}

export interface ChatAnswer extends AnswerEnd {
  content: string;
}

/** What the prompt service needs from a language model, whichever provider answers. */
export interface LlmProvider {
  /** Provider name for metrics and logs, e.g. "mock" or "openai". */
  readonly provider: string;
  /** Model id stored next to every answer, and the one model `/v1` answers for. */
  readonly model: string;
  /**
   * The whole answer. Rejects with a ProviderError (which the API answers 502 `llm_error`, or 504 `llm_timeout`
   * when it timed out), or with the signal's reason when the caller aborts.
   */
  complete(chat: ChatRequest): Promise<ChatAnswer>;
  /**
   * The answer as it is produced, in order, then how it ended (the generator's return value); the pieces joined
   * equal what `complete` answers. Same errors.
   */
  stream(chat: ChatRequest): AsyncGenerator<string, AnswerEnd, undefined>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
