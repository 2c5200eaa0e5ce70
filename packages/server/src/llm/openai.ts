import { Agent, type Dispatcher, request } from "undici";
import { ApiError } from "../errors.js";
import { CallScope } from "./call-scope.js";
import { chatRequest, completionContent, deltaContent, statusError } from "./openai-wire.js";
import type { LlmProvider } from "./port.js";
import { isConnectionReset, isRetryableStatus, retryDelayMs } from "./retry.js";
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

type ResponseBody = Dispatcher.ResponseData["body"];

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
    const scope = new CallScope(this.#timeoutMs, options.signal);
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
    const scope = new CallScope(this.#timeoutMs, options.signal);
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
  async #post(prompt: string, stream: boolean, scope: CallScope): Promise<ResponseBody> {
    const payload = chatRequest(this.model, prompt, stream);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#send(payload, stream, scope);
      if ("body" in outcome) return outcome.body;
      const { failure, retryable, headers } = outcome;
      const canRetry = retryable && attempt < this.#maxRetries;
      const delay = canRetry ? retryDelayMs(headers, attempt, scope.remainingMs()) : undefined;
      if (delay === undefined) throw failure;
      await scope.sleep(delay);
    }
  }

  /** One attempt: the body of a 2xx answer, or what failed and whether sending again may help. */
  async #send(payload: string, stream: boolean, scope: CallScope): Promise<Attempt> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(this.#url, {
        dispatcher: this.#agent,
        method: "POST",
        headers: {
          authorization: `Bearer ${this.#apiKey}`,
          "content-type": "application/json",
          accept: stream ? "text/event-stream" : "application/json",
        },
        body: payload,
        signal: scope.signal,
      });
    } catch (error) {
      if (scope.signal.aborted) throw error;
      const reason = (error as { code?: unknown } | null)?.code ?? "connection failed";
      const failure = new ApiError("llm_error", `Could not reach the language model provider (${reason}).`, {
        cause: error,
      });
      return { failure, retryable: isConnectionReset(error), headers: {} };
    }
    const { statusCode, headers, body } = response;
    if (statusCode >= 200 && statusCode < 300) return { body };
    // Reading the error body to its end also lets the connection be reused for the retry.
    const failure = statusError(statusCode, await body.text());
    return { failure, retryable: isRetryableStatus(statusCode), headers };
  }
}

type Attempt =
  | { body: ResponseBody }
  | { failure: ApiError; retryable: boolean; headers: Dispatcher.ResponseData["headers"] };
