import type { ServerResponse } from "node:http";
import {
  createPrompt,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  completion,
  type FakeOpenAi,
  json,
  type RecordedRequest,
  sseEvent,
  startFakeOpenAi,
  startSse,
} from "../llm/fake-openai.js";
import { RecordingSocket } from "../realtime/socket-client.js";
import { createApiKey } from "./api-key.js";

const MODEL = "test-model";
const PIECES = ["Bonjour", ", ", "le monde", "!"];
/** What the upstream bills for every answer, in its own words. */
const UPSTREAM_USAGE = { prompt_tokens: 31, completion_tokens: 4, total_tokens: 35 };

/**
 * An OpenAI-compatible upstream of the test's own that reports usage, behind a real server: the tokens recorded for
 * each prompt, and told to /v1 clients, are the upstream's, streamed answers included; an upstream that reports
 * none gets its usage estimated; an upstream that fails or hangs is a 502 or a 504 to the client.
 */
describe("an upstream that reports usage", () => {
  let fake: FakeOpenAi;
  let server: TestServer;
  let user: TestUser;
  let client: OpenAI;
  let withUsage = true;

  /** Answers as OpenAI does: streamed when asked, with the usage chunk when asked for it. */
  function answer(recorded: RecordedRequest, response: ServerResponse) {
    const body = JSON.parse(recorded.body);
    if (!body.stream) {
      const whole = JSON.parse(completion(PIECES.join("")));
      return json(response, 200, JSON.stringify(withUsage ? { ...whole, usage: UPSTREAM_USAGE } : whole));
    }
    startSse(response);
    for (const piece of PIECES) response.write(sseEvent(piece));
    response.write(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
    );
    if (withUsage && body.stream_options?.include_usage) {
      response.write(`data: ${JSON.stringify({ choices: [], usage: UPSTREAM_USAGE })}\n\n`);
    }
    response.end("data: [DONE]\n\n");
  }

  const upstreamBodies = () => fake.requests.map((recorded) => JSON.parse(recorded.body));

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    server = await startServer({
      openaiApiKey: "sk-upstream",
      openaiBaseUrl: fake.baseUrl,
      openaiModel: MODEL,
      llmTimeout: "500ms",
    });
    user = await registerUser(server.app);
    client = new OpenAI({
      apiKey: await createApiKey(server.app, user),
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
    });
  });
  beforeEach(() => {
    fake.requests = [];
    fake.handler = answer;
    withUsage = true;
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const idOf = (completionId: string) => Number(completionId.slice("chatcmpl-".length));

  it("records and answers the upstream's usage, and sends it the whole conversation and settings", async () => {
    const messages = [
      { role: "system", content: "Reply in French." },
      { role: "user", content: "Say hello to the world" },
    ] satisfies OpenAI.ChatCompletionMessageParam[];
    const completed = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_completion_tokens: 20,
      temperature: 0.3,
      stop: "\n\n",
    });
    expect(completed.choices[0]?.message.content).toBe("Bonjour, le monde!");
    expect(completed.usage).toEqual(UPSTREAM_USAGE);
    const stored = await server.storage.prompts.get(user.id, idOf(completed.id));
    expect(stored).toMatchObject({
      prompt: "Say hello to the world",
      model: MODEL,
      promptTokens: 31,
      completionTokens: 4,
      tokensEstimated: false,
      messages,
    });
    // Followed on the user's sockets, the answer is streamed from the upstream, with its usage asked for.
    expect(upstreamBodies()).toEqual([
      {
        model: MODEL,
        messages,
        max_tokens: 20,
        temperature: 0.3,
        stop: ["\n\n"],
        stream: true,
        stream_options: { include_usage: true },
      },
    ]);
  });

  it("streams the upstream's usage in the usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Stream a greeting" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Bonjour, le monde!");
    expect(chunks.at(-1)?.usage).toEqual(UPSTREAM_USAGE);
    const stored = await server.storage.prompts.get(user.id, idOf(chunks[0]?.id ?? ""));
    expect(stored).toMatchObject({ promptTokens: 31, completionTokens: 4, tokensEstimated: false });
  });

  it("records the usage of POST /api/prompts, answered whole or streamed", async () => {
    for (const body of [{ prompt: "whole answer" }, { prompt: "streamed answer", stream: true }]) {
      const response = await createPrompt(server.app, user, body);
      expect(response.statusCode, response.body).toBeLessThan(300);
      const [latest] = await server.storage.prompts.list(user.id, { limit: 1 });
      expect(latest).toMatchObject({
        prompt: body.prompt,
        promptTokens: 31,
        completionTokens: 4,
        tokensEstimated: false,
      });
      expect(latest?.messages).toBeNull();
    }
  });

  it("estimates the usage of an upstream that reports none, and marks it so", async () => {
    withUsage = false;
    const completed = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "No usage from upstream" }],
    });
    const stored = await server.storage.prompts.get(user.id, idOf(completed.id));
    expect(stored?.tokensEstimated).toBe(true);
    expect(stored?.completionTokens).toBeGreaterThan(0);
    expect(completed.usage).toMatchObject({
      prompt_tokens: stored?.promptTokens,
      completion_tokens: stored?.completionTokens,
    });
  });

  it("counts every answer's tokens into llm_tokens_total by kind and model, without a user label", async () => {
    const scrape = async () => (await server.app.inject({ url: "/metrics" })).body;
    const count = (text: string, kind: string) =>
      Number(
        new RegExp(`^llm_tokens_total\\{kind="${kind}",model="${MODEL}"\\} (\\d+)$`, "m").exec(text)?.[1] ??
          0,
      );
    const before = await scrape();
    await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "count me" }] });
    const after = await scrape();
    expect(count(after, "prompt") - count(before, "prompt")).toBe(31);
    expect(count(after, "completion") - count(before, "completion")).toBe(4);
    expect(after).not.toMatch(/^llm_tokens_total\{[^}]*user/m);
  });

  it("answers 502 when the upstream fails and 504 when it does not answer in time, storing nothing", async () => {
    const ask = (content: string) =>
      client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content }] });
    fake.handler = (_recorded, response) => json(response, 500, '{"error":{"message":"down"}}');
    const failed = await ask("upstream down").catch((caught: unknown) => caught);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failed).toMatchObject({ status: 502, code: "llm_error", type: "server_error" });
    fake.handler = () => {};
    const late = await ask("upstream silent").catch((caught: unknown) => caught);
    expect(late).toBeInstanceOf(OpenAI.APIError);
    expect(late).toMatchObject({ status: 504, code: "llm_timeout", type: "server_error" });
    const prompts = await server.storage.prompts.list(user.id, { limit: 50 });
    expect(prompts.map((prompt) => prompt.prompt)).not.toContain("upstream down");
    expect(prompts.map((prompt) => prompt.prompt)).not.toContain("upstream silent");
  });

  it("stops the upstream and stores nothing when the client leaves mid-stream, and tells the user's sockets", async () => {
    fake.handler = (_recorded, response) => {
      startSse(response);
      // The first piece, then nothing: only a client that leaves ends this answer.
      response.write(sseEvent(PIECES[0] as string));
    };
    const socket = await RecordingSocket.open(
      `${server.url.replace("http", "ws")}/ws/prompts/?token=${user.access}`,
    );
    try {
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: MODEL, messages: [{ role: "user", content: "a reader that leaves" }], stream: true },
        { signal: controller.signal },
      );
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) break;
      }
      controller.abort();
      await socket.waitFor(() => socket.messages.some((message) => message.event === "prompt_failed"));
    } finally {
      socket.close();
    }
    await fake.requests.at(-1)?.connectionClosed;
    const prompts = await server.storage.prompts.list(user.id, { limit: 50 });
    expect(prompts.map((prompt) => prompt.prompt)).not.toContain("a reader that leaves");
  });

  it("ends a stream that fails midway with OpenAI's error event, which the client raises", async () => {
    fake.handler = (_recorded, response) => {
      startSse(response);
      response.write(sseEvent("Half an ans"));
      setTimeout(() => response.destroy(), 20);
    };
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "an answer that breaks" }],
      stream: true,
    });
    const pieces: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((caught: unknown) => caught);
    expect(pieces.join("")).toBe("Half an ans");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: "llm_error" });
  });
});
