import { Agent } from "undici";
import { ProviderError } from "../errors.js";
import { CallScope } from "../openai-http/call-scope.js";
import { postWithRetries, type ResponseBody } from "../openai-http/provider-post.js";
import { chatRequest, completionOf, type ProviderUsage, streamChunkOf } from "./openai-wire.js";
import type { AnswerEnd, ChatAnswer, ChatRequest, FinishReason, LlmProvider } from "./port.js";
import { sseData } from "./sse.js";
import { estimateUsage } from "./token-count.js";

export interface OpenAiCompatibleOptions {
  apiKey: string;
  /** OPENAI_BASE_URL: any OpenAI-compatible server (Azure, vLLM, Ollama, a proxy) works. */
  baseUrl: string;
  /** OPENAI_MODEL. */
  model: string;
  /** LLM_TIMEOUT: bounds a whole call, retries included; in a stream, also the longest gap between two events. */
  timeoutMs: number;
  /** Default 1: retries after a 429, a 5xx or a dropped connection. */
  maxRetries?: number;
}

/**
 * A chat completions client for OpenAI and compatible servers. Errors are ProviderErrors of the "language model";
 * a call the caller aborts through its signal rejects with the signal's reason instead. Usage is the provider's
 * (asked for in streams too, with `stream_options.include_usage`), or estimated here when it reports none.
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
    this.#url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    this.model = options.model;
    this.#timeoutMs = options.timeoutMs;
    this.#maxRetries = options.maxRetries ?? 1;
  }

  async complete(chat: ChatRequest): Promise<ChatAnswer> {
    const scope = new CallScope("language model", this.#timeoutMs, chat.signal);
    try {
      const body = await this.#post(chat, false, scope);
      const { content, finishReason, usage } = completionOf(await body.text());
      return { content, ...(await answerEnd(chat, content, finishReason, usage)) };
    } catch (error) {
      throw scope.toCallerError(error);
    } finally {
      scope.dispose();
    }
  }

  async *stream(chat: ChatRequest): AsyncGenerator<string, AnswerEnd, undefined> {
    const scope = new CallScope("language model", this.#timeoutMs, chat.signal);
    try {
      const body = await this.#post(chat, true, scope);
      let content = "";
      let finishReason: FinishReason = "stop";
      let usage: ProviderUsage | undefined;
      for await (const data of sseData(body)) {
        scope.restart();
        if (data === "[DONE]") return await answerEnd(chat, content, finishReason, usage);
        const chunk = streamChunkOf(data);
        finishReason = chunk.finishReason ?? finishReason;
        usage = chunk.usage ?? usage;
        if (chunk.content) {
          content += chunk.content;
          yield chunk.content;
        }
      }
      throw new ProviderError(
        "language model",
        "The language model provider ended the stream before [DONE].",
      );
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
  #post(chat: ChatRequest, stream: boolean, scope: CallScope): Promise<ResponseBody> {
    return postWithRetries(
      {
        dispatcher: this.#agent,
        url: this.#url,
        apiKey: this.#apiKey,
        payload: chatRequest(this.model, chat, stream),
        accept: stream ? "text/event-stream" : "application/json",
        maxRetries: this.#maxRetries,
      },
      scope,
    );
  }
}

/** The provider's usage when it reported one, else counted here and marked as estimated. */
async function answerEnd(
  chat: ChatRequest,
  content: string,
  finishReason: FinishReason,
  usage: ProviderUsage | undefined,
): Promise<AnswerEnd> {
  return {
    finishReason,
    usage: usage ? { ...usage, estimated: false } : await estimateUsage(chat.messages, content),
  };
}
