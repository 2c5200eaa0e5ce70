import type { ServerResponse } from "node:http";
import type { FastifyError } from "fastify";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveOptions } from "../../../src/config.js";
import { ConfigError, ProviderError } from "../../../src/errors.js";
import type { ApiError } from "../../../src/http/api-error.js";
import { toApiError } from "../../../src/http/error-handler.js";
import { createEmbedder, type Embedder, OpenAiEmbedder } from "../../../src/similarity/embeddings/index.js";
import { type FakeOpenAi, json, startFakeOpenAi } from "../../llm/fake-openai.js";
import { embedderContract, PARAPHRASES } from "./contract.js";

const API_KEY = "sk-test-embeddings-secret";
const DIMENSIONS = 256;
/** LLM_TIMEOUT's default: no test here waits for it unless it sets a shorter one. */
const TIMEOUT_MS = 30_000;

let fake: FakeOpenAi;
let embedder: OpenAiEmbedder | undefined;

/**
 * What the fake server embeds a text as: its words hashed into buckets, plus a constant so that no text is all
 * zeros, scaled to length 3 to check that the adapter normalises. Texts sharing words come out closer.
 */
function bagOfWords(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  vector[0] = 1;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    let hash = 0;
    for (const character of word) hash = (hash * 31 + (character.codePointAt(0) as number)) % 1_000_003;
    const bucket = 1 + (hash % (DIMENSIONS - 1));
    vector[bucket] = (vector[bucket] as number) + 1;
  }
  const norm = Math.hypot(...vector);
  return vector.map((value) => (3 * value) / norm);
}

/** Answers like OpenAI, listing the embeddings in reverse order with their indices, as the API allows. */
function embeddings(response: ServerResponse, body: string): void {
  const { input } = JSON.parse(body) as { input: string[] };
  const data = input
    .map((text, index) => ({ object: "embedding", index, embedding: bagOfWords(text) }))
    .reverse();
  json(response, 200, JSON.stringify({ object: "list", data, model: "fake", usage: { prompt_tokens: 1 } }));
}

async function connect(options: { timeoutMs?: number; maxRetries?: number } = {}): Promise<OpenAiEmbedder> {
  embedder = await OpenAiEmbedder.connect({
    apiKey: API_KEY,
    model: "test-embedding",
    baseUrl: fake.baseUrl,
    timeoutMs: TIMEOUT_MS,
    ...options,
  });
  fake.requests = [];
  return embedder;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => expect.fail("expected a rejection"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  // What the client gets: the error handler's answer.
  return toApiError(error as FastifyError);
}

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.handler = (request, response) => embeddings(response, request.body);
});

afterAll(async () => {
  await fake.close();
});

// The fake's vectors share dimensions with shared words, which is all the contract's "semantic" pairs need here: it
// checks that the adapter keeps each vector with its text, not that a model understands them.
embedderContract("OpenAI-compatible API (fake server)", () => connect(), { orderings: PARAPHRASES });

describe("OpenAI-compatible embedder", () => {
  beforeEach(() => {
    fake.handler = (request, response) => embeddings(response, request.body);
  });

  afterEach(async () => {
    await embedder?.close();
    embedder = undefined;
  });

  it("learns the dimensions from one request when it connects", async () => {
    fake.requests = [];
    const connected = await OpenAiEmbedder.connect({
      apiKey: API_KEY,
      model: "m",
      baseUrl: fake.baseUrl,
      timeoutMs: TIMEOUT_MS,
    });
    embedder = connected;
    expect(connected).toMatchObject({ id: "openai:m", dimensions: DIMENSIONS });
    expect((connected as Embedder).languages).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
  });

  it("posts the model, the texts and the bearer key to /embeddings", async () => {
    await (await connect()).embed(["first", "second"]);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", url: "/v1/embeddings" });
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(request?.body ?? "")).toEqual({
      model: "test-embedding",
      input: ["first", "second"],
      encoding_format: "float",
    });
  });

  it("splits more than 2048 texts over several requests, keeping their order", async () => {
    const texts = Array.from({ length: 2050 }, (_, index) => `text number ${index}`);
    const vectors = await (await connect()).embed(texts);
    expect(fake.requests.map((request) => JSON.parse(request.body).input.length)).toEqual([2048, 2]);
    expect(vectors[2049]).toEqual((await embedder?.embed([texts[2049] as string]))?.[0]);
  });

  it("retries once after a 5xx, honouring retry-after-ms", async () => {
    fake.handler = (request, response, index) => {
      if (index === 0) json(response, 503, "{}", { "retry-after-ms": "10" });
      else embeddings(response, request.body);
    };
    const connected = await OpenAiEmbedder.connect({
      apiKey: API_KEY,
      model: "m",
      baseUrl: fake.baseUrl,
      timeoutMs: TIMEOUT_MS,
    });
    embedder = connected;
    expect(connected.dimensions).toBe(DIMENSIONS);
    expect(fake.requests.length).toBeGreaterThanOrEqual(2);
  });

  it("fails with embedding_error on a 4xx, without retrying and without quoting the key or the answer", async () => {
    const embedder = await connect();
    fake.handler = (_request, response) =>
      json(
        response,
        401,
        JSON.stringify({ error: { message: `bad key ${API_KEY}`, code: "invalid_api_key" } }),
      );
    const error = await rejection(embedder.embed(["secret text"]));
    expect(error).toMatchObject({ code: "embedding_error", statusCode: 502 });
    expect(error.message).toBe("The embeddings provider answered HTTP 401 (invalid_api_key).");
    expect(`${error.message} ${JSON.stringify(error.toBody())}`).not.toContain(API_KEY);
    expect(fake.requests).toHaveLength(1);
  });

  it("fails with embedding_error on an answer that is not JSON or has the wrong number of embeddings", async () => {
    const embedder = await connect();
    fake.handler = (_request, response) => json(response, 200, "<html>proxy</html>");
    expect((await rejection(embedder.embed(["a"]))).code).toBe("embedding_error");
    fake.handler = (_request, response) =>
      json(response, 200, JSON.stringify({ data: [{ index: 0, embedding: [1, 0] }] }));
    expect((await rejection(embedder.embed(["a", "b"]))).message).toMatch(/did not return 2 embeddings/);
  });

  it("fails with embedding_timeout when the provider does not answer in time", async () => {
    const embedder = await connect({ timeoutMs: 200 });
    fake.handler = () => {
      // Never answers.
    };
    const error = await rejection(embedder.embed(["slow"]));
    expect(error).toMatchObject({ code: "embedding_timeout", statusCode: 504 });
    expect(error.message).toBe("The embeddings provider did not answer within 200 ms.");
  });

  it("fails with embedding_error when the provider cannot be reached", async () => {
    const unreachable = {
      apiKey: API_KEY,
      model: "m",
      baseUrl: "http://127.0.0.1:1/v1",
      timeoutMs: TIMEOUT_MS,
      maxRetries: 0,
    };
    const error = await rejection(OpenAiEmbedder.connect(unreachable));
    expect(error).toMatchObject({ code: "embedding_error", statusCode: 502 });
    expect(error.message).toBe("Could not reach the embeddings provider (ECONNREFUSED).");
  });

  it("is chosen by EMBEDDINGS=openai:<model>, which needs OPENAI_API_KEY", async () => {
    const chosen = await createEmbedder("openai:test-embedding", {
      openai: resolveOptions({ openaiApiKey: API_KEY, openaiBaseUrl: fake.baseUrl }),
    });
    await chosen.close();
    expect(chosen.id).toBe("openai:test-embedding");
    const missingKey = createEmbedder("openai:test-embedding", {
      openai: resolveOptions({ openaiBaseUrl: fake.baseUrl }),
    });
    await expect(missingKey).rejects.toBeInstanceOf(ConfigError);
    await expect(missingKey).rejects.toMatchObject({ variable: "EMBEDDINGS" });
  });
});
