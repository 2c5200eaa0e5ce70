import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "../realtime/socket-client.js";
import { createApiKey } from "./api-key.js";

/**
 * The official `openai` package, pointed at a real server on a real port, with a `ps_` key or an access token as its
 * API key: what every OpenAI-compatible app does. The mock model answers, so nothing here needs a provider.
 */
describe("the openai npm package against /v1", () => {
  let server: TestServer;
  let user: TestUser;
  let key: string;
  let client: OpenAI;
  const BUNDLED = "bundled:use-lite";

  const clientOf = (apiKey: string, options: { maxRetries?: number } = {}) =>
    new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0, ...options });

  beforeAll(async () => {
    server = await startServer();
    user = await registerUser(server.app);
    key = await createApiKey(server.app, user);
    client = clientOf(key);
  });
  afterAll(() => server.close());

  it("creates a completion, stored as a prompt of the key's user with the whole conversation and its usage", async () => {
    const messages = [
      { role: "system", content: "Answer briefly." },
      { role: "user", content: "What is the capital of France?" },
      { role: "assistant", content: "Paris." },
      { role: "user", content: [{ type: "text", text: "And of Spain?" }] },
    ] satisfies OpenAI.ChatCompletionMessageParam[];
    const completion = await client.chat.completions.create({ model: "mock", messages });
    expect(completion).toMatchObject({
      object: "chat.completion",
      model: "mock",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "[mocked-llm_response] And of Spain?" },
          finish_reason: "stop",
        },
      ],
    });
    expect(completion.id).toMatch(/^chatcmpl-\d+$/);
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(60);
    const id = Number(completion.id.slice("chatcmpl-".length));
    const history = await server.app.inject({ url: `/api/prompts/${id}`, headers: user.headers });
    expect(history.json()).toMatchObject({
      id,
      prompt: "And of Spain?",
      response: "[mocked-llm_response] And of Spain?",
    });
    const stored = await server.storage.prompts.get(user.id, id);
    expect(stored?.messages).toEqual([
      { role: "system", content: "Answer briefly." },
      { role: "user", content: "What is the capital of France?" },
      { role: "assistant", content: "Paris." },
      { role: "user", content: "And of Spain?" },
    ]);
    expect(stored?.tokensEstimated).toBe(true);
    expect(completion.usage).toEqual({
      prompt_tokens: stored?.promptTokens,
      completion_tokens: stored?.completionTokens,
      total_tokens: (stored?.promptTokens ?? 0) + (stored?.completionTokens ?? 0),
    });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(completion.usage?.completion_tokens ?? 0);
  });

  it("streams chunks that make the answer, ending with the finish reason", async () => {
    const stream = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: "Stream me three words please" }],
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "[mocked-llm_response] Stream me three words please",
    );
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.model === "mock")).toBe(
      true,
    );
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it("streams the usage chunk when asked, the same usage that was stored", async () => {
    const stream = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: "Count my tokens" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    const id = Number(last?.id.slice("chatcmpl-".length));
    const stored = await server.storage.prompts.get(user.id, id);
    expect(stored?.prompt).toBe("Count my tokens");
    expect(last?.usage).toEqual({
      prompt_tokens: stored?.promptTokens,
      completion_tokens: stored?.completionTokens,
      total_tokens: (stored?.promptTokens ?? 0) + (stored?.completionTokens ?? 0),
    });
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("lists the chat model and the embedding model, and retrieves each", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["mock", BUNDLED]);
    expect(await client.models.retrieve(BUNDLED)).toMatchObject({ id: BUNDLED, object: "model" });
    await expect(client.models.retrieve("gpt-4o")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("embeds a string and an array of strings, in the client's default base64 and as floats", async () => {
    const single = await client.embeddings.create({ model: BUNDLED, input: "hola mundo" });
    expect(single.model).toBe(BUNDLED);
    expect(single.data).toHaveLength(1);
    const vector = single.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(512);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 3);
    expect(single.usage.prompt_tokens).toBeGreaterThan(0);

    const batch = await client.embeddings.create({
      model: BUNDLED,
      input: ["hola mundo", "the weather today"],
      encoding_format: "float",
    });
    expect(batch.data.map((item) => item.index)).toEqual([0, 1]);
    // The same text gives the same vector, whichever encoding carried it.
    const floats = batch.data[0]?.embedding ?? [];
    expect(floats).toHaveLength(512);
    expect(Math.max(...floats.map((value, index) => Math.abs(value - (vector[index] ?? 0))))).toBeLessThan(
      1e-6,
    );
    const dot = (batch.data[0]?.embedding ?? []).reduce(
      (sum, value, index) => sum + value * (batch.data[1]?.embedding[index] ?? 0),
      0,
    );
    expect(dot).toBeLessThan(0.9);
  });

  it("refuses embeddings it cannot make: another model, other dimensions, more texts than a user may queue", async () => {
    const cases: Array<[OpenAI.EmbeddingCreateParams, unknown, object]> = [
      [{ model: "text-embedding-3-small", input: "hola" }, OpenAI.NotFoundError, { code: "model_not_found" }],
      [{ model: BUNDLED, input: "hola", dimensions: 256 }, OpenAI.BadRequestError, { param: "dimensions" }],
      [
        { model: BUNDLED, input: Array.from({ length: 33 }, (_, index) => `text ${index}`) },
        OpenAI.BadRequestError,
        { param: "input" },
      ],
      [{ model: BUNDLED, input: [""] }, OpenAI.BadRequestError, { param: "input[0]" }],
    ];
    for (const [body, type, fields] of cases) {
      const error = await client.embeddings.create(body).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(body).slice(0, 80)).toBeInstanceOf(type as typeof OpenAI.APIError);
      expect(error).toMatchObject(fields);
    }
  });

  it("raises AuthenticationError for an unknown key and a forged token, with invalid_api_key", async () => {
    for (const apiKey of [`ps_${"A".repeat(43)}`, "eyJhbGciOiJIUzI1NiJ9.e30.forged"]) {
      const error = await clientOf(apiKey)
        .chat.completions.create({ model: "mock", messages: [{ role: "user", content: "hi" }] })
        .catch((caught: unknown) => caught);
      expect(error, apiKey).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error).toMatchObject({ status: 401, code: "invalid_api_key", type: "invalid_request_error" });
    }
    await expect(clientOf("wrong").models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    // The official clients always send a key; a call without one gets the same answer.
    const anonymous = await fetch(`${server.url}/v1/models`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "invalid_api_key" } });
  });

  it("takes an access token as well as a key", async () => {
    const completion = await clientOf(user.access).chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: "with a token" }],
    });
    expect(completion.choices[0]?.message.content).toBe("[mocked-llm_response] with a token");
  });

  it("raises BadRequestError naming the param", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: "mock" }, "messages"],
      [{ model: "mock", messages: [] }, "messages"],
      [{ model: "mock", messages: [{ role: "tool", content: "x" }] }, "messages[0].role"],
      [
        {
          model: "mock",
          messages: [
            { role: "user", content: [{ type: "image_url", image_url: { url: "http://x/y.png" } }] },
          ],
        },
        "messages[0].content[0].type",
      ],
      [{ model: "mock", messages: [{ role: "user", content: "hi" }], temperature: 5 }, "temperature"],
      [{ model: "mock", messages: [{ role: "system", content: "no question" }] }, "messages"],
      [{ model: "mock", messages: [{ role: "user", content: "   " }] }, "messages[0].content"],
      [{ model: "mock", messages: [{ role: "user", content: "hi" }], n: 2 }, "n"],
    ];
    for (const [body, param] of cases) {
      const error = await client.chat.completions
        .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .catch((caught: unknown) => caught);
      expect(error, JSON.stringify(body)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, JSON.stringify(body)).toMatchObject({
        status: 400,
        param,
        type: "invalid_request_error",
      });
    }
  });

  it("answers another model with NotFoundError model_not_found, and ignores fields it does not know", async () => {
    const error = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    const completion = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: "extra fields" }],
      frequency_penalty: 0,
      seed: 7,
      user: "end-user-1",
      max_tokens: 100,
      stop: null,
    });
    expect(completion.choices[0]?.message.content).toBe("[mocked-llm_response] extra fields");
  });

  it("sends each call's events to the user's sockets, and makes it searchable", async () => {
    const watcher = await registerUser(server.app);
    const watcherClient = clientOf(await createApiKey(server.app, watcher));
    const socket = await RecordingSocket.open(
      `${server.url.replace("http", "ws")}/ws/prompts/?token=${watcher.access}`,
    );
    try {
      const completion = await watcherClient.chat.completions.create({
        model: "mock",
        messages: [{ role: "user", content: "How do volcanoes erupt?" }],
      });
      const id = Number(completion.id.slice("chatcmpl-".length));
      await socket.waitFor(() => socket.messages.some((message) => message.event === "prompt_completed"));
      expect(socket.messages.map((message) => message.event)).toEqual([
        "prompt_started",
        ...socket.messages.slice(1, -1).map(() => "prompt_delta"),
        "prompt_completed",
      ]);
      expect(socket.messages[0]).toMatchObject({ data: { id, prompt: "How do volcanoes erupt?" } });
      expect(socket.messages.at(-1)).toMatchObject({
        data: { id, response: completion.choices[0]?.message.content },
      });
    } finally {
      socket.close();
    }
    const search = await server.app.inject({
      url: "/api/prompts/similar?q=volcano%20eruption&k=1",
      headers: watcher.headers,
    });
    expect(search.json().results[0]).toMatchObject({ prompt: "How do volcanoes erupt?" });
  });

  it("answers an unknown /v1 path in OpenAI's shape", async () => {
    const response = await fetch(`${server.url}/v1/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: "Invalid URL (POST /v1/completions).",
        type: "invalid_request_error",
        param: null,
        code: "unknown_url",
      },
    });
  });
});

describe("PROMPT_RATE_LIMITS on /v1", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ promptRateLimits: "3/min" });
  });
  afterAll(() => server.close());

  it("raises RateLimitError with Retry-After once the user's prompts throttle is spent, shared with /api/prompts", async () => {
    const throttled = await registerUser(server.app);
    const throttledClient = new OpenAI({
      apiKey: await createApiKey(server.app, throttled),
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
    });
    const ask = () =>
      throttledClient.chat.completions.create({
        model: "mock",
        messages: [{ role: "user", content: "again" }],
      });
    for (let sent = 0; sent < 2; sent++) await ask();
    const viaRest = await server.app.inject({
      method: "POST",
      url: "/api/prompts",
      headers: throttled.headers,
      payload: { prompt: "the third of the minute" },
    });
    expect(viaRest.statusCode).toBe(201);
    const error = await ask().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "rate_limit_exceeded", type: "requests" });
    expect(
      Number((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")),
    ).toBeGreaterThan(0);
  });
});

describe("USER_TOKEN_BUDGET on /v1", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ userTokenBudget: "10/day" });
  });
  afterAll(() => server.close());

  it("raises RateLimitError insufficient_quota, with Retry-After, once the day's tokens are spent", async () => {
    const user = await registerUser(server.app);
    const client = new OpenAI({
      apiKey: await createApiKey(server.app, user),
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
    });
    const ask = () =>
      client.chat.completions.create({ model: "mock", messages: [{ role: "user", content: "hi" }] });
    // The answer in flight when the budget is reached may overshoot it: the next one is refused.
    const first = await ask();
    expect(first.usage?.total_tokens).toBeGreaterThanOrEqual(10);
    const error = await ask().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "insufficient_quota", type: "insufficient_quota" });
    const retryAfter = Number(
      (error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after"),
    );
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
  });
});
