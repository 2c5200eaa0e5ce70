import {
  createPrompt,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  completion,
  type FakeOpenAi,
  json,
  type RecordedRequest,
  sseEvent,
  startFakeOpenAi,
  startSse,
} from "../llm/fake-openai.js";

/** One server-sent event as the client reads it: its `event:` line and its `data:` JSON. */
interface ReceivedEvent {
  event: string;
  data: { type: string; event: string; data: Record<string, unknown> };
}

/** Reads server-sent events from a streamed body as they arrive. */
async function* eventsOf(body: AsyncIterable<Buffer | string>): AsyncGenerator<ReceivedEvent> {
  let buffered = "";
  for await (const chunk of body) {
    buffered += chunk.toString();
    for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "null";
      yield { event, data: JSON.parse(data) };
    }
  }
}

const isStreamRequest = (recorded: RecordedRequest) => JSON.parse(recorded.body).stream === true;

describe("POST /api/prompts with stream: true", () => {
  let fake: FakeOpenAi;
  let server: TestServer;
  let user: TestUser;
  /** Lets the fake model write the rest of its answer. */
  let release: () => void = () => {};
  const PIECES = ["Hola", ", ", "mundo", "!"];

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    server = await startServer({
      openaiApiKey: "sk-test",
      openaiBaseUrl: fake.baseUrl,
      promptRateLimits: "3/min",
    });
    user = await registerUser(server.app);
  });
  afterEach(() => {
    release();
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  /** The model writes its first piece at once and the others only once released. */
  const answerInPieces = () => {
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.handler = (recorded, response) => {
      if (!isStreamRequest(recorded)) return json(response, 500, "{}");
      startSse(response);
      response.write(sseEvent(PIECES[0] as string));
      void released.then(async () => {
        for (const piece of PIECES.slice(1)) {
          response.write(sseEvent(piece));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        response.end("data: [DONE]\n\n");
      });
    };
  };

  const post = (body: Record<string, unknown>, headers: Record<string, string> = user.headers) =>
    request(`${server.url}/api/prompts`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("sends the prompt, then the first piece while the model is still writing, then the stored prompt; the pieces make the answer", async () => {
    answerInPieces();
    const response = await post({ prompt: "Say hello in Spanish", stream: true });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const received: ReceivedEvent[] = [];
    for await (const event of eventsOf(response.body)) {
      received.push(event);
      if (received.length === 1) {
        expect(event).toMatchObject({ event: "prompt.start", data: { event: "prompt_started" } });
        expect(event.data.data).toMatchObject({
          prompt: "Say hello in Spanish",
          started_at: expect.any(String),
        });
      }
      // The model has written one piece and waits: the client already has it.
      if (received.length === 2) {
        expect(event).toMatchObject({
          event: "prompt.delta",
          data: { type: "prompt.delta", event: "prompt_delta" },
        });
        expect(event.data.data).toMatchObject({ index: 0, delta: "Hola" });
        release();
      }
    }
    const last = received.at(-1) as ReceivedEvent;
    expect(last.event).toBe("prompt.message");
    expect(last.data).toMatchObject({ type: "prompt.message", event: "prompt_completed" });
    const deltas = received.slice(1, -1);
    expect(deltas.every((event) => event.event === "prompt.delta")).toBe(true);
    const joined = deltas.map((event) => event.data.data.delta).join("");
    expect(joined).toBe(PIECES.join(""));
    const stored = last.data.data as { id: number; response: string; reused_from: null };
    expect(stored.response).toBe(joined);
    expect(stored.reused_from).toBeNull();
    expect([received[0], ...deltas].every((event) => event?.data.data.id === stored.id)).toBe(true);
    const read = await server.app.inject({ url: `/api/prompts/${stored.id}`, headers: user.headers });
    expect(read.json()).toMatchObject({ id: stored.id, response: joined });
  });

  it("stops the model and stores nothing when the client goes away mid-stream", async () => {
    answerInPieces();
    const controller = new AbortController();
    const response = await request(`${server.url}/api/prompts`, {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "A prompt whose reader leaves", stream: true }),
      signal: controller.signal,
    });
    const events = eventsOf(response.body);
    expect((await events.next()).value?.event).toBe("prompt.start");
    expect((await events.next()).value?.event).toBe("prompt.delta");
    const upstream = fake.requests.at(-1);
    controller.abort();
    await events.return(undefined).catch(() => undefined);
    // The server closes its request to the model (which would bill an answer nobody reads), and stores nothing.
    await upstream?.connectionClosed;
    release();
    const prompts = await server.storage.prompts.list(user.id, { limit: 5 });
    expect(prompts.map((prompt) => prompt.prompt)).not.toContain("A prompt whose reader leaves");
  });

  it("ends with prompt.error when the model fails midway, and stores nothing", async () => {
    fake.handler = (_recorded, response) => {
      startSse(response);
      response.write(sseEvent("Half an ans"));
      setTimeout(() => response.destroy(), 20);
    };
    const response = await post({ prompt: "An answer that breaks", stream: true });
    expect(response.statusCode).toBe(200);
    const received: ReceivedEvent[] = [];
    for await (const event of eventsOf(response.body)) received.push(event);
    expect(received.map((event) => event.event)).toEqual(["prompt.start", "prompt.delta", "prompt.error"]);
    expect(received[2]?.data.data).toMatchObject({ code: "llm_error" });
    const prompts = await server.storage.prompts.list(user.id, { limit: 10 });
    expect(prompts.map((prompt) => prompt.prompt)).not.toContain("An answer that breaks");
  });

  it("answers 502 JSON, not a stream, when the model fails before its first piece, and stores nothing", async () => {
    const fresh = await registerUser(server.app);
    fake.handler = (_recorded, response) => json(response, 500, '{"error":{"message":"down"}}');
    const response = await post({ prompt: "An answer that never starts", stream: true }, fresh.headers);
    expect(response.statusCode).toBe(502);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(await response.body.json()).toMatchObject({ code: "llm_error", detail: expect.any(String) });
    expect(await server.storage.prompts.list(fresh.id, { limit: 10 })).toEqual([]);
  });

  it("answers a throttled stream with 429 JSON, not a stream", async () => {
    const other = await registerUser(server.app);
    answerInPieces();
    release();
    for (let sent = 0; sent < 3; sent++) {
      const ok = await post({ prompt: `allowed ${sent}`, stream: true }, other.headers);
      expect(ok.statusCode).toBe(200);
      await ok.body.text();
    }
    const throttled = await post({ prompt: "one too many", stream: true }, other.headers);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers["content-type"]).toMatch(/^application\/json/);
    expect(await throttled.body.json()).toMatchObject({ code: "throttled" });
  });

  it("answers bad input and a missing token in JSON, as without stream", async () => {
    const fresh = await registerUser(server.app);
    const blank = await post({ prompt: "   ", stream: true }, fresh.headers);
    expect(blank.statusCode).toBe(400);
    expect(await blank.body.json()).toMatchObject({ code: "invalid" });
    const anonymous = await post({ prompt: "hola", stream: true }, {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers["content-type"]).toMatch(/^application\/json/);
    await anonymous.body.text();
  });
});

describe("answer reuse (ANSWER_REUSE_MIN_SCORE)", () => {
  let fake: FakeOpenAi;
  let server: TestServer;
  let calls = 0;
  const EARLIER = "How do I center a div horizontally in CSS?";
  const PARAPHRASE = "What's the CSS for horizontally centering a div?";

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    fake.handler = (recorded, response) => {
      calls++;
      const asked = JSON.parse(recorded.body).messages.at(-1).content as string;
      if (!isStreamRequest(recorded)) return json(response, 200, completion(`Answer to: ${asked}`));
      startSse(response);
      response.end(`${sseEvent(`Answer to: ${asked}`)}data: [DONE]\n\n`);
    };
    server = await startServer({
      listen: false,
      openaiApiKey: "sk-test",
      openaiBaseUrl: fake.baseUrl,
      answerReuseMinScore: 0.5,
    });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const create = (user: TestUser, payload: Record<string, unknown>) =>
    createPrompt(server.app, user, payload);

  it("answers a paraphrase of the same user's question with the earlier answer, without the model", async () => {
    const user = await registerUser(server.app);
    const earlier = (await create(user, { prompt: EARLIER })).json();
    expect(earlier.reused_from).toBeNull();
    const callsBefore = calls;
    const reused = await create(user, { prompt: PARAPHRASE });
    expect(reused.statusCode).toBe(201);
    expect(reused.json()).toMatchObject({
      prompt: PARAPHRASE,
      response: earlier.response,
      reused_from: earlier.id,
    });
    expect(calls).toBe(callsBefore);
    const stored = await server.app.inject({
      url: `/api/prompts/${reused.json().id}`,
      headers: user.headers,
    });
    expect(stored.json().reused_from).toBe(earlier.id);
    const metrics = await server.app.inject({ url: "/metrics" });
    expect(metrics.body).toMatch(/^answers_reused_total 1$/m);

    // Streamed, a reused answer streams too.
    const streamed = await create(user, {
      prompt: "What is the CSS to center a div horizontally?",
      stream: true,
    });
    expect(streamed.statusCode).toBe(200);
    const events = streamed.body.split("\n\n").filter(Boolean);
    expect(events[0]).toMatch(/^event: prompt\.start\n/);
    expect(events[1]).toMatch(/^event: prompt\.delta\n/);
    expect(events.at(-1)).toMatch(/^event: prompt\.message\n/);
    expect(JSON.parse(events.at(-1)?.split("data: ")[1] as string).data).toMatchObject({
      response: earlier.response,
      reused_from: earlier.id,
    });
    expect(calls).toBe(callsBefore);
  });

  it("asks the model for near misses, another user's identical question, and reuse: false", async () => {
    const user = await registerUser(server.app);
    const stranger = await registerUser(server.app);
    await create(user, { prompt: "How do I enable two-factor authentication on my account?" });
    await create(user, { prompt: "How long does it take to run 5 miles?" });
    await create(user, { prompt: "Is coffee good for you?" });
    const callsBefore = calls;
    const asked = [
      await create(user, { prompt: "How do I disable two-factor authentication on my account?" }),
      await create(user, { prompt: "How long does it take to run 50 miles?" }),
      await create(user, { prompt: "Is coffee bad for you?" }),
      await create(stranger, { prompt: "Is coffee good for you?" }),
      await create(user, { prompt: "Is coffee good for you?", reuse: false }),
    ];
    expect(asked.map((response) => response.json().reused_from)).toEqual([null, null, null, null, null]);
    expect(calls).toBe(callsBefore + asked.length);
    // The same question again, allowed to reuse: reused.
    const again = await create(user, { prompt: "Is coffee good for you?" });
    expect(again.json().reused_from).not.toBeNull();
    expect(calls).toBe(callsBefore + asked.length);
  });

  it("asks the model for every prompt when the setting is unset", async () => {
    const plain = await startServer({ listen: false, openaiApiKey: "sk-test", openaiBaseUrl: fake.baseUrl });
    try {
      const user = await registerUser(plain.app);
      const callsBefore = calls;
      for (const prompt of [EARLIER, EARLIER, PARAPHRASE]) {
        const response = await plain.app.inject({
          method: "POST",
          url: "/api/prompts",
          headers: user.headers,
          payload: { prompt },
        });
        expect(response.json().reused_from).toBeNull();
      }
      expect(calls).toBe(callsBefore + 3);
    } finally {
      await plain.close();
    }
  });
});
