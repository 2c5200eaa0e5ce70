import { randomUUID } from "node:crypto";
import { APIError, type Fetch, type Prompt, PromptClient } from "@prompt-service/sdk";
import { registerUser, startServer, startTcpProxy, type TestServer } from "@prompt-service/testkit";
import { fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPrompts, loggedInClient } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  // The mock model writes slowly enough that a request is still running while the test acts on it.
  server = await startServer({ mockLlmDelay: "100ms" });
});
afterAll(() => server.close());

/** undici's fetch, recording the Idempotency-Key of each request it sends (the wire is the real one). */
function recordingFetch() {
  const keys: Array<string | undefined> = [];
  const fetch: Fetch = (url, init) => {
    keys.push(init.headers["idempotency-key"]);
    return undiciFetch(url, init) as ReturnType<Fetch>;
  };
  return { fetch, keys };
}

/** Resolves when the user's stream sees `event` for the prompt `text`. */
function awaitEvent(client: PromptClient, text: string, event: "prompt_started" | "prompt_completed") {
  const stream = client.events();
  const seen = new Promise<void>((resolve) => {
    stream.on("event", (seen) => {
      if (seen.event === event && seen.data.prompt === text) resolve();
    });
  });
  return { ready: stream.ready(), seen: seen.finally(() => stream.close()) };
}

describe("Idempotency-Key on prompts.create", () => {
  it("sends a fresh key with each call", async () => {
    const { fetch, keys } = recordingFetch();
    const { client } = await loggedInClient(server, { fetch });
    await client.prompts.create({ prompt: "one" });
    await client.prompts.create({ prompt: "one" });
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    expect(await allPrompts(client)).toHaveLength(2);
  });

  it("gets the first answer again for the caller's own key, and refuses it with another body", async () => {
    const { client } = await loggedInClient(server);
    const idempotencyKey = randomUUID();
    const first = await client.prompts.create({ prompt: "once" }, { idempotencyKey });
    await expect(client.prompts.create({ prompt: "once" }, { idempotencyKey })).resolves.toEqual(first);
    const reused = await client.prompts
      .create({ prompt: "twice" }, { idempotencyKey })
      .catch((caught) => caught);
    expect(reused).toBeInstanceOf(APIError);
    expect(reused).toMatchObject({ status: 422, code: "idempotency_key_reused" });
    expect(await allPrompts(client)).toEqual([first]);
  });

  it("says in the response's headers, through withResponse(), that an answer is a replay", async () => {
    const { client } = await loggedInClient(server);
    const idempotencyKey = randomUUID();
    const first = await client.prompts.create({ prompt: "replayed" }, { idempotencyKey }).withResponse();
    const again = await client.prompts.create({ prompt: "replayed" }, { idempotencyKey }).withResponse();
    expect(again.data).toEqual(first.data);
    expect(first.response.headers.get("idempotent-replayed")).toBeNull();
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
    expect(again.response.status).toBe(201);
  });

  it("waits out a request with the same key still running, then gets its prompt", async () => {
    const { client } = await loggedInClient(server);
    const idempotencyKey = randomUUID();
    const text = `concurrent ${idempotencyKey}`;
    const { ready, seen } = awaitEvent(client, text, "prompt_started");
    await ready;
    const first = client.prompts.create({ prompt: text, websocket: true }, { idempotencyKey });
    await seen; // the first is running: the second gets 409 in flight, waits its Retry-After, and retries
    const second = await client.prompts.create({ prompt: text, websocket: true }, { idempotencyKey });
    expect(second).toEqual(await first);
    expect(await allPrompts(client)).toEqual([second]);
  });

  it("stores once when the answer is lost on the way back and the client retries", async () => {
    const user = await registerUser(server.app);
    const proxy = await startTcpProxy(server.url, 80);
    const { fetch, keys } = recordingFetch();
    // Through the proxy, whose connection is dropped after the server has answered.
    const viaProxy = new PromptClient({
      baseUrl: proxy.url.replace(/\/$/, ""),
      accessToken: user.access,
      refreshToken: user.refresh,
      fetch,
    });
    // Straight to the server, to watch and count.
    const direct = new PromptClient({
      baseUrl: server.url,
      accessToken: user.access,
      refreshToken: user.refresh,
    });
    try {
      const text = `lost answer ${randomUUID()}`;
      const started = awaitEvent(direct, text, "prompt_started");
      const completed = awaitEvent(direct, text, "prompt_completed");
      await Promise.all([started.ready, completed.ready]);
      const creating = viaProxy.prompts.create({ prompt: text, websocket: true });
      await started.seen;
      proxy.stall(); // the request has reached the server; its answer will not reach the client
      await completed.seen; // stored and answered
      proxy.restore(); // drops the stalled connection: the client sees it break, and retries
      const created: Prompt = await creating;

      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      expect(await allPrompts(direct)).toEqual([created]);
    } finally {
      await proxy.close();
    }
  });
});
