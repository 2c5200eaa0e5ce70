/**
 * The language model provider hangs or fails: POST /api/prompts answers 504 or 502 within the configured timeout
 * (LLM_TIMEOUT), stores nothing, leaves no connection to the provider open and no timer behind, and the service
 * answers the next prompt as usual once the provider is back.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { createServer, type Socket } from "node:net";
import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  completion,
  type FakeOpenAi,
  json,
  settlesWithin,
  sseEvent,
  startFakeOpenAi,
  startSse,
} from "../llm/fake-openai.js";
import { RecordingSocket } from "../realtime/socket-client.js";

const TIMEOUT_MS = 1_000;
/** Scheduling slack on top of the timeout; the embedding runs alongside the model call, not after it. */
const SLACK_MS = 1_500;

let fake: FakeOpenAi;
let server: TestServer;
let user: TestUser;
/** The provider's open connections, whoever made them. */
const providerSockets = new Set<Socket>();

beforeAll(async () => {
  fake = await startFakeOpenAi();
  server = await startServer({
    openaiApiKey: "sk-test",
    openaiBaseUrl: fake.baseUrl,
    llmTimeout: TIMEOUT_MS / 1000,
  });
  user = await registerUser(server.app);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

beforeEach(() => {
  fake.requests = [];
});

/** Serves with `handler`, keeping count of the connections the service opened to the provider. */
function serve(handler: (response: ServerResponse) => void): void {
  fake.handler = (_request, response) => {
    const socket = response.socket;
    if (socket && !providerSockets.has(socket)) {
      providerSockets.add(socket);
      socket.once("close", () => providerSockets.delete(socket));
    }
    handler(response);
  };
}

async function createPrompt(prompt: string, websocket = false) {
  const started = performance.now();
  const response = await fetch(`${server.url}/api/prompts`, {
    method: "POST",
    headers: { ...user.headers, "content-type": "application/json" },
    body: JSON.stringify({ prompt, websocket }),
    signal: AbortSignal.timeout(TIMEOUT_MS * 10),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    ms: performance.now() - started,
  };
}

/** Node's timers in this process (the server runs in it); undici's own clock may come and go, hence the margin. */
const activeTimers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

async function storedPrompts(): Promise<string[]> {
  return (await server.storage.prompts.list(user.id, { limit: 100 })).map((prompt) => prompt.prompt);
}

/**
 * A call that was given up on (timeout) has its connection closed by the service; one that got a whole answer
 * may leave its connection open for the next call to reuse, but never more than one.
 */
async function expectNoLeakedConnections(abandoned: boolean): Promise<void> {
  expect(fake.requests.length).toBeGreaterThan(0);
  if (abandoned) {
    for (const request of fake.requests)
      expect(await settlesWithin(request.connectionClosed, 2_000)).toBe(true);
  }
  expect(providerSockets.size).toBeLessThanOrEqual(abandoned ? 0 : 1);
}

describe.each([
  ["hangs before answering", 504, "llm_timeout", () => undefined],
  [
    "hangs in the middle of a streamed answer",
    504,
    "llm_timeout",
    (response: ServerResponse) => {
      startSse(response);
      response.write(sseEvent("The beginning of"));
    },
  ],
  ["answers 500 every time", 502, "llm_error", (response: ServerResponse) => json(response, 500, "{}")],
  [
    "answers something that is not a completion",
    502,
    "llm_error",
    (response: ServerResponse) => json(response, 200, "<html>gateway</html>"),
  ],
  ["drops the connection", 502, "llm_error", (response: ServerResponse) => response.socket?.destroy()],
] as const)("when the provider %s", (_name, status, code, handler) => {
  it.each([false, true])(
    `answers ${status} ${code} within the timeout (websocket: %s)`,
    async (websocket) => {
      serve(handler);
      const timersBefore = activeTimers();
      const prompt = `doomed ${status} ${websocket} ${Math.random()}`;
      const socket = websocket
        ? await RecordingSocket.open(`${server.url.replace("http", "ws")}/ws/prompts/?token=${user.access}`)
        : undefined;
      try {
        const answer = await createPrompt(prompt, websocket);
        expect(answer.status).toBe(status);
        expect(answer.body).toMatchObject({ code, detail: expect.any(String) });
        expect(answer.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        if (socket) {
          // A streamed answer that fails says so on the socket, so that no client waits forever.
          await socket.waitFor(() => socket.messages.some((message) => message.type === "prompt.error"));
          expect(socket.messages.some((message) => message.type === "prompt.message")).toBe(false);
        }
        expect(await storedPrompts()).not.toContain(prompt);
        await expectNoLeakedConnections(status === 504);
        expect(activeTimers()).toBeLessThanOrEqual(timersBefore + 1);
      } finally {
        socket?.close();
      }
    },
  );
});

describe("when the provider is down", () => {
  it("answers 502 at once when nothing listens, and works again once the provider is back", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const { port } = closed.address() as { port: number };
    closed.close();
    const down = await startServer({
      openaiApiKey: "sk-test",
      openaiBaseUrl: `http://127.0.0.1:${port}/v1`,
      llmTimeout: TIMEOUT_MS / 1000,
      storage: server.storage,
    });
    try {
      const started = performance.now();
      const response = await fetch(`${down.url}/api/prompts`, {
        method: "POST",
        headers: { ...user.headers, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "nobody home" }),
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ code: "llm_error" });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    } finally {
      await down.close();
    }
  });

  it("answers the next prompt as usual after all those failures", async () => {
    serve((response) => json(response, 200, completion("Back again.")));
    const answer = await createPrompt("is anyone there?");
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ prompt: "is anyone there?", response: "Back again." });
  });
});
