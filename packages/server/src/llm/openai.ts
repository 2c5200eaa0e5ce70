import { Agent } from "undici";
import { ApiError } from "../errors.js";
import { CallScope } from "./call-scope.js";
import { chatRequest, completionContent, deltaContent } from "./openai-wire.js";
import type { LlmProvider } from "./port.js";
import { LANGUAGE_MODEL_ERRORS } from "./provider-errors.js";
import { postWithRetries, type ResponseBody } from "./provider-post.js";
import { sseData } from "./sse.js";

export interface OpenAiCompatibleOptions {
  apiKey: string;
  /** Default https://api.openai.com/v1; any OpenAI-compatible server (Azure, vLLM, Ollama, a proxy) works. */
  baseUrl?: string;
  /** Default gpt-4o-mini. */
  model?: string;
  /** Default 30 s: bounds a whole call, retries included; in a stream, also the longest gap between two events. */
  timeoutMs?: number;
  /** Default 1: retries after a 429, a 5xx or a dropped connection. */
  maxRetries?: number;
}

/**
 * A chat completions client for OpenAI and compatible servers. Errors are ApiErrors `llm_error` and `llm_timeout`;
 * a call the caller aborts through its signal rejects with the signal's reason instead.
 */
export class OpenAiCompatibleLlm implements LlmProvider {
  readonly provider = "openai";
  readonly model: string;
  readonly #apiKey: string;
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #agent = new Agent();

  constructor(options: OpenAiCompatibleOptions) {
    this.#apiKey = options.apiKey;
    this.#url = `${(options.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "")}/chat/completions`;
    this.model = options.model ?? "gpt-4o-mini";
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxRetries = options.maxRetries ?? 1;
  }

  async complete(prompt: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    const scope = new CallScope(LANGUAGE_MODEL_ERRORS, this.#timeoutMs, options.signal);
    try {
      const body = await this.#post(prompt, false, scope);
      return completionContent(await body.text());
    } catch (error) {
      throw scope.toCallerError(error);
    } finally {
      scope.dispose();
    }
  }

  async *stream(prompt: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<string> {
    const scope = new CallScope(LANGUAGE_MODEL_ERRORS, this.#timeoutMs, options.signal);
    try {
      const body = await this.#post(prompt, true, scope);
      for await (const data of sseData(body)) {
        scope.restart();
        if (data === "[DONE]") return;
        const piece = deltaContent(data);
        if (piece) yield piece;
      }
      throw new ApiError("llm_error", "The language model provider ended the stream before [DONE].");
    } catch (error) {
      throw scope.toCallerError(error);
    } finally {
      // Also reached when the consumer stops early: disposing aborts the request, which closes its connection.
      scope.dispose();
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** Sends the request, retrying as the policy allows, and returns the body of the first 2xx answer. */
  #post(prompt: string, stream: boolean, scope: CallScope): Promise<ResponseBody> {
    return postWithRetries(
      {
        dispatcher: this.#agent,
        url: this.#url,
        apiKey: this.#apiKey,
        payload: chatRequest(this.model, prompt, stream),
        accept: stream ? "text/event-stream" : "application/json",
        maxRetries: this.#maxRetries,
      },
      scope,
    );
  }
}
