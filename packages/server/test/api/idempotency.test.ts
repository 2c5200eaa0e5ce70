import type { ServerResponse } from "node:http";
import {
  createPrompt,
  createTestSchema,
  registerUser,
  startServer,
  type TestSchema,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeOpenAi, json, sseEvent, startFakeOpenAi, startSse } from "../llm/fake-openai.js";

// Two instances on one PostgreSQL schema, answering with an OpenAI-compatible upstream that counts its calls.
let upstream: FakeOpenAi;
let schema: TestSchema;
let first: TestServer;
let second: TestServer;
let alice: TestUser;

const answer = (response: ServerResponse, content = "the answer", streamed = false) => {
  if (streamed) {
    startSse(response);
    response.end(`${sseEvent(content)}data: [DONE]\n\n`);
    return;
  }
  json(
    response,
    200,
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    }),
  );
};
const streamed = (body: string) => (JSON.parse(body) as { stream?: boolean }).stream === true;

beforeAll(async () => {
  upstream = await startFakeOpenAi();
  schema = await createTestSchema("idempotency");
  const options = {
    database: schema,
    listen: false,
    openaiApiKey: "sk-test",
    openaiBaseUrl: upstream.baseUrl,
  } as const;
  first = await startServer(options);
  second = await startServer(options);
  alice = await registerUser(first.app);
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await schema?.drop();
  await upstream?.close();
});
beforeEach(() => {
  upstream.handler = (request, response) => answer(response, "the answer", streamed(request.body));
});

const post = (server: TestServer, body: unknown, key?: string) =>
  createPrompt(server.app, alice, body, key === undefined ? {} : { "idempotency-key": key });
const storedCount = async (text: string) =>
  (await first.storage.prompts.list(alice.id, { limit: 100 })).filter((prompt) => prompt.prompt === text)
    .length;

describe("Idempotency-Key on POST /api/prompts", () => {
  it("10 concurrent identical requests with one key, over two instances: one model call, one row, the others 409 in flight", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = upstream.requests.length;
    upstream.handler = async (_request, response) => {
      await gate;
      answer(response);
    };
    const text = "concurrent retries";
    let answered = 0;
    const responses = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(i % 2 ? second : first, { prompt: text }, "key-concurrent").finally(() => answered++),
      ),
    );
    // The nine that lost the claim answer at once, while the winner waits on the model: the gate opens only then,
    // so that none of them can arrive after the winner has finished (and be replayed).
    await expect.poll(() => upstream.requests.length - calls, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => answered, { timeout: 15_000 }).toBe(9);
    release();
    const statuses = (await responses).map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    for (const response of await responses) {
      if (response.statusCode !== 409) continue;
      expect(response.json()).toMatchObject({ code: "idempotency_key_in_flight" });
      expect(response.headers["retry-after"]).toBe("1");
    }
    expect(upstream.requests.length - calls).toBe(1);
    expect(await storedCount(text)).toBe(1);
  });

  it("replays the first result for the same key and body, on either instance, without calling the model", async () => {
    const body = { prompt: "replay me", websocket: false };
    const original = await post(first, body, "key-replay");
    expect(original.statusCode).toBe(201);
    const calls = upstream.requests.length;
    // Same body, keys in another order: the same request.
    for (const server of [first, second]) {
      const replayed = await post(server, { websocket: false, prompt: "replay me" }, "key-replay");
      expect(replayed.statusCode).toBe(201);
      expect(replayed.headers["idempotent-replayed"]).toBe("true");
      expect(replayed.json()).toEqual(original.json());
    }
    expect(upstream.requests.length).toBe(calls);
    expect(await storedCount("replay me")).toBe(1);
    expect(original.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("replays a streamed request as a short stream of the stored prompt", async () => {
    const first200 = await post(first, { prompt: "stream me", stream: true }, "key-stream");
    expect(first200.statusCode).toBe(200);
    const replayed = await post(second, { prompt: "stream me", stream: true }, "key-stream");
    expect(replayed.statusCode).toBe(200);
    expect(replayed.headers["idempotent-replayed"]).toBe("true");
    expect(replayed.headers["content-type"]).toContain("text/event-stream");
    const events = replayed.body
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)));
    expect(events.map((event) => event.event)).toEqual([
      "prompt_started",
      "prompt_delta",
      "prompt_completed",
    ]);
    expect(events[2].data).toMatchObject({ prompt: "stream me", response: "the answer" });
    expect(await storedCount("stream me")).toBe(1);
  });

  it("answers 422 idempotency_key_reused for the same key with another body", async () => {
    expect((await post(first, { prompt: "one thing" }, "key-mismatch")).statusCode).toBe(201);
    const other = await post(second, { prompt: "another thing" }, "key-mismatch");
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: "idempotency_key_reused" });
    expect(await storedCount("another thing")).toBe(0);
  });

  it("does not remember a failure: the retry runs", async () => {
    upstream.handler = (_request, response) => json(response, 500, '{"error":{"message":"down"}}');
    const failed = await post(first, { prompt: "flaky upstream" }, "key-failure");
    expect(failed.statusCode).toBe(502);
    upstream.handler = (_request, response) => answer(response, "now it works");
    const retried = await post(second, { prompt: "flaky upstream" }, "key-failure");
    expect(retried.statusCode).toBe(201);
    expect(retried.json().response).toBe("now it works");
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("scopes keys per user: another user's same key is a request of their own", async () => {
    const bob = await registerUser(first.app);
    expect((await post(first, { prompt: "alice's" }, "key-shared")).statusCode).toBe(201);
    const bobs = await createPrompt(first.app, bob, { prompt: "bob's" }, { "idempotency-key": "key-shared" });
    expect(bobs.statusCode).toBe(201);
    expect(bobs.json().prompt).toBe("bob's");
  });

  it.each([
    ["empty", ""],
    ["too long", "k".repeat(256)],
    ["not printable ASCII", "clé-😀"],
  ])("refuses a %s key with 400", async (_kind, key) => {
    const response = await post(first, { prompt: "bad key" }, key);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "invalid",
      fields: { "Idempotency-Key": expect.any(Array) },
    });
  });
});
