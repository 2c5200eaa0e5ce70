import { Agent } from "undici";
import { ProviderError } from "../../errors.js";
import { CallScope } from "../../openai-http/call-scope.js";
import { postWithRetries } from "../../openai-http/provider-post.js";
import type { Embedder } from "./port.js";
import { toUnitVector } from "./unit-vector.js";

export interface OpenAiEmbedderOptions {
  apiKey: string;
  /** e.g. "text-embedding-3-small". */
  model: string;
  /** OPENAI_BASE_URL: any server with an OpenAI-compatible /embeddings works (vLLM, Ollama…). */
  baseUrl: string;
  /** LLM_TIMEOUT: bounds one call, retries included. */
  timeoutMs: number;
  /** Default 1: retries after a 429, a 5xx or a dropped connection. */
  maxRetries?: number;
}

/** OpenAI's documented limit of inputs in one /embeddings request. */
const MAX_INPUTS_PER_REQUEST = 2048;

/**
 * Embeddings from OpenAI's POST /embeddings, or a compatible server's. Timeouts and retries are those of the chat
 * adapter (../../llm/openai.ts); failures are ProviderErrors of the "embeddings" (the API answers 502
 * `embedding_error` or 504 `embedding_timeout`) whose message never quotes the provider's text.
 */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #options: Required<OpenAiEmbedderOptions>;
  readonly #url: string;
  readonly #agent: Agent;

  private constructor(options: Required<OpenAiEmbedderOptions>, agent: Agent, dimensions: number) {
    this.id = `openai:${options.model}`;
    this.dimensions = dimensions;
    this.#options = options;
    this.#url = `${options.baseUrl.replace(/\/+$/, "")}/embeddings`;
    this.#agent = agent;
  }

  /** Embeds one text to learn the model's dimensions, which differ by model and, for some, by account settings. */
  static async connect(options: OpenAiEmbedderOptions): Promise<OpenAiEmbedder> {
    const resolved = { ...options, maxRetries: options.maxRetries ?? 1 };
    const agent = new Agent();
    const probe = new OpenAiEmbedder(resolved, agent, 0);
    try {
      const [vector] = await probe.embed(["dimensions"]);
      return new OpenAiEmbedder(resolved, agent, (vector as Float32Array).length);
    } catch (error) {
      await agent.close();
      throw error;
    }
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += MAX_INPUTS_PER_REQUEST) {
      vectors.push(...(await this.#call(texts.slice(start, start + MAX_INPUTS_PER_REQUEST))));
    }
    return vectors;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #call(texts: string[]): Promise<Float32Array[]> {
    const scope = new CallScope("embeddings", this.#options.timeoutMs);
    try {
      // OpenAI refuses an empty input; a blank embeds like an empty one would.
      const input = texts.map((text) => text || " ");
      const payload = JSON.stringify({ model: this.#options.model, input, encoding_format: "float" });
      const body = await postWithRetries(
        {
          dispatcher: this.#agent,
          url: this.#url,
          apiKey: this.#options.apiKey,
          payload,
          accept: "application/json",
          maxRetries: this.#options.maxRetries,
        },
        scope,
      );
      return parseEmbeddings(await body.text(), texts.length);
    } catch (error) {
      throw scope.toCallerError(error);
    } finally {
      scope.dispose();
    }
  }
}

/** `data[i].embedding` put back in input order by `data[i].index`, each scaled to unit length. */
function parseEmbeddings(body: string, count: number): Float32Array[] {
  let data: unknown;
  try {
    data = (JSON.parse(body) as { data?: unknown }).data;
  } catch {
    // The SyntaxError quotes the body, so it is not kept as the cause.
    throw new ProviderError("embeddings", "The embeddings provider sent a malformed JSON body.");
  }
  const vectors = new Array<Float32Array | undefined>(count);
  for (const item of Array.isArray(data) ? data : []) {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    if (Number.isInteger(index) && Array.isArray(embedding) && embedding.every(Number.isFinite)) {
      vectors[index as number] = toUnitVector(embedding as number[]);
    }
  }
  // Holes (a missing index) read as undefined; an index past the end lengthens the array.
  const complete = vectors.length === count && !vectors.includes(undefined);
  if (!complete || new Set(vectors.map((vector) => vector?.length)).size !== 1) {
    throw new ProviderError(
      "embeddings",
      `The embeddings provider did not return ${count} embeddings of one length.`,
    );
  }
  return vectors as Float32Array[];
}
