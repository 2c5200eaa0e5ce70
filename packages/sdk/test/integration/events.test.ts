import {
  type EventStream,
  type Prompt,
  PromptClient,
  type PromptEvent,
  type ReconnectInfo,
} from "@prompt-service/sdk";
import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loggedInClient, memoryStore } from "../support/clients.js";
import { startRestartableServer } from "../support/restartable-server.js";

/**
 * Creates a prompt with `websocket: true` and resolves with the completion event the stream got for it. The
 * listener goes on first: the server publishes before the create call has its answer.
 */
async function createAndAwaitCompletion(client: PromptClient, stream: EventStream, prompt: string) {
  const completed = new Promise<Prompt>((resolve) => {
    const remove = stream.on("prompt_completed", (data) => {
      if (data.prompt !== prompt) return;
      remove();
      resolve(data);
    });
  });
  const created = await client.prompts.create({ prompt, websocket: true });
  await expect(completed).resolves.toEqual(created);
}

const streams: EventStream[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
});

describe("events against a running server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("streams the deltas of a prompt created with websocket: true, then its completion", async () => {
    const { client } = await loggedInClient(server);
    const stream = client.events();
    streams.push(stream);
    await stream.ready();
    const arriving = (async () => {
      const events: PromptEvent[] = [];
      for await (const event of stream) {
        events.push(event);
        if (event.event === "prompt_completed") return events;
      }
      return events;
    })();

    const created = await client.prompts.create({ prompt: "hola mundo desde el SDK", websocket: true });
    const events = await arriving;
    const completed = events.at(-1);
    expect(completed).toEqual({ type: "prompt.message", event: "prompt_completed", data: created });
    const deltas = events.flatMap((event) => (event.event === "prompt_delta" ? [event.data] : []));
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
    expect(deltas.every((delta) => delta.id === created.id)).toBe(true);
    expect(deltas.map((delta) => delta.delta).join("")).toBe(created.response);
  });

  it("delivers to listeners by event name, and only the user's own events", async () => {
    const { client: alice } = await loggedInClient(server);
    const { client: bob } = await loggedInClient(server);
    const aliceStream = alice.events();
    const bobStream = bob.events();
    streams.push(aliceStream, bobStream);
    const bobSaw: PromptEvent[] = [];
    bobStream.on("event", (event) => bobSaw.push(event));
    await Promise.all([aliceStream.ready(), bobStream.ready()]);

    await createAndAwaitCompletion(alice, aliceStream, "solo para alice");
    expect(bobSaw).toEqual([]);
  });

  it("sends nothing for a prompt created without websocket", async () => {
    const { client } = await loggedInClient(server);
    const stream = client.events();
    streams.push(stream);
    const seen: PromptEvent[] = [];
    stream.on("event", (event) => seen.push(event));
    await stream.ready();
    await client.prompts.create({ prompt: "silencioso" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual([]);
  });

  it("closes cleanly and ends the loops over it", async () => {
    const { client } = await loggedInClient(server);
    const stream = client.events();
    await stream.ready();
    const loop = (async () => {
      for await (const _ of stream) return "event";
      return "ended";
    })();
    await stream.close();
    await expect(loop).resolves.toBe("ended");
  });
});

/** Tests that start servers of their own: a start takes seconds (the embedded database, the embeddings model). */
const OWN_SERVERS = { timeout: 90_000 };

describe("events across a server restart", () => {
  it("reconnects after the server restarts and receives events again", OWN_SERVERS, async () => {
    const server = await startRestartableServer();
    try {
      const user = await registerUser(server.app);
      const client = new PromptClient({
        baseUrl: server.url,
        accessToken: user.access,
        refreshToken: user.refresh,
      });
      const stream = client.events({ reconnect: { initialDelay: 100, maxDelay: 500 } });
      streams.push(stream);
      const reconnects: ReconnectInfo[] = [];
      stream.on("reconnecting", (info) => reconnects.push(info));
      let opens = 0;
      const reopened = new Promise<void>((resolve) =>
        stream.on("open", () => {
          opens += 1;
          if (opens === 2) resolve();
        }),
      );
      await stream.ready();

      await server.restart();
      await reopened;
      expect(reconnects[0]?.code).toBe(1001);

      await createAndAwaitCompletion(client, stream, "después del reinicio");
    } finally {
      await server.close();
    }
  });
});

describe("a long watch", () => {
  it(
    "outlives its access token: it refreshes, reconnects, and keeps receiving events",
    OWN_SERVERS,
    async () => {
      const server = await startServer({ accessTokenTtl: 2 });
      try {
        const { store, saves } = memoryStore();
        const user = await registerUser(server.app);
        const client = new PromptClient({ baseUrl: server.url, tokenStore: store });
        await client.auth.login({ username: user.username, password: user.password });
        const stream = client.events();
        streams.push(stream);
        const expired = new Promise<ReconnectInfo>((resolve) => stream.on("reconnecting", resolve));
        await stream.ready();

        // The server closes the socket with 4401 when the token expires; the stream comes back with a fresh one.
        await expect(expired).resolves.toMatchObject({ code: 4401, delayMs: 0 });
        await stream.ready();
        expect(saves.length).toBeGreaterThanOrEqual(2);

        await createAndAwaitCompletion(client, stream, "sigo aquí");
      } finally {
        await server.close();
      }
    },
  );
});
