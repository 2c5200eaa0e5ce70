/** What the prompt service needs from a language model, whichever provider answers. */
export interface LlmProvider {
  /** Provider name for metrics and logs, e.g. "mock" or "openai". */
  readonly provider: string;
  /** Model id stored next to every answer. */
  readonly model: string;
  /**
   * The whole answer. Rejects with an ApiError `llm_error` (502) or `llm_timeout` (504), or with the signal's
   * reason when the caller aborts.
   */
  complete(prompt: string, options?: { signal?: AbortSignal }): Promise<string>;
  /** The answer as it is produced, in order; the concatenation equals what `complete` returns. Same errors. */
  stream(prompt: string, options?: { signal?: AbortSignal }): AsyncIterable<string>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
