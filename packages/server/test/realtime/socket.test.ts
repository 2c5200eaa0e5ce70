import {
  createPrompt,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "./socket-client.js";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
const open: RecordingSocket[] = [];

beforeAll(async () => {
  server = await startServer({ wsMaxSocketsPerUser: 3, wsHeartbeatInterval: "300ms" });
  alice = await registerUser(server.app);
  bob = await registerUser(server.app);
});
afterAll(async () => {
  for (const socket of open) socket.close();
  await server.close();
});

const wsUrl = (query = "") => `${server.url.replace("http", "ws")}/ws/prompts/${query}`;
async function connect(
  user: TestUser,
  how: "query" | "header" | "protocol" = "query",
): Promise<RecordingSocket> {
  const socket =
    how === "query"
      ? await RecordingSocket.open(wsUrl(`?token=${user.access}`))
      : how === "header"
        ? await RecordingSocket.open(wsUrl(), undefined, {
            headers: { authorization: `Bearer ${user.access}` },
          })
        : await RecordingSocket.open(wsUrl(), ["bearer", user.access]);
  open.push(socket);
  return socket;
}
const create = (user: TestUser, prompt: string, websocket: boolean) =>
  createPrompt(server.app, user, { prompt, websocket });

describe("authentication at upgrade", () => {
  it.each([
    ["no token", ""],
    ["a malformed token", "?token=not-a-jwt"],
  ])("refuses %s with HTTP 401 and the API's error body", async (_name, query) => {
    const refused = RecordingSocket.open(wsUrl(query));
    await expect(refused).rejects.toMatchObject({ status: 401 });
    const body = JSON.parse(((await refused.catch((error) => error)) as { body: string }).body);
    expect(body).toMatchObject({
      code: expect.stringMatching(/^(not_authenticated|token_not_valid)$/),
      detail: expect.any(String),
    });
  });

  it("refuses a refresh token", async () => {
    await expect(RecordingSocket.open(wsUrl(`?token=${alice.refresh}`))).rejects.toMatchObject({
      status: 401,
    });
  });

  it.each(["query", "header", "protocol"] as const)("accepts the access token as %s", async (how) => {
    const socket = await connect(alice, how);
    if (how === "protocol") expect(socket.socket.protocol).toBe("bearer");
    socket.send('{"type":"ping"}');
    await socket.waitFor(() => socket.messages.some((message) => message.type === "pong"));
    socket.close();
  });

  it("works without the trailing slash", async () => {
    const socket = await RecordingSocket.open(
      `${server.url.replace("http", "ws")}/ws/prompts?token=${alice.access}`,
    );
    open.push(socket);
    socket.close();
  });
});

describe("events", () => {
  it("streams deltas in order, then the completion event, to every socket of the user and nobody else", async () => {
    const first = await connect(alice);
    const second = await connect(alice, "header");
    const stranger = await connect(bob);

    const response = await create(alice, "tell me a story about a lighthouse keeper", true);
    expect(response.statusCode).toBe(201);
    const created = response.json();

    for (const socket of [first, second]) {
      await socket.waitFor(() => socket.messages.some((message) => message.type === "prompt.message"));
      const deltas = socket.messages.filter((message) => message.type === "prompt.delta");
      expect(deltas.length).toBeGreaterThan(1);
      const data = deltas.map((message) => message.data as { id: number; index: number; delta: string });
      expect(data.map((delta) => delta.index)).toEqual(data.map((_, index) => index));
      expect(data.every((delta) => delta.id === created.id)).toBe(true);
      expect(data.map((delta) => delta.delta).join("")).toBe(created.response);
      expect(socket.messages.at(-1)).toEqual({
        type: "prompt.message",
        event: "prompt_completed",
        data: created,
      });
    }
    // Bob's socket sees nothing of Alice's prompt; a ping proves it is alive and would have received it.
    stranger.send('{"type":"ping"}');
    await stranger.waitFor(() => stranger.messages.length > 0);
    expect(stranger.messages).toEqual([{ type: "pong" }]);
    for (const socket of [first, second, stranger]) socket.close();
  });

  it("sends nothing for a prompt created with websocket false", async () => {
    const socket = await connect(alice);
    expect((await create(alice, "quiet", false)).statusCode).toBe(201);
    socket.send('{"type":"ping"}');
    await socket.waitFor(() => socket.messages.length > 0);
    expect(socket.messages).toEqual([{ type: "pong" }]);
    socket.close();
  });
});

describe("client messages", () => {
  it("answers invalid JSON and unknown messages with an error event, never echoes, and stays open", async () => {
    const socket = await connect(alice);
    socket.send("{not json");
    socket.send('{"type":"subscribe","secret":"do-not-echo"}');
    socket.send('{"type":"ping"}');
    await socket.waitFor(() => socket.messages.length === 3);
    expect(socket.messages[0]).toMatchObject({ type: "error", code: "parse_error" });
    expect(socket.messages[1]).toMatchObject({ type: "error", code: "invalid" });
    expect(JSON.stringify(socket.messages)).not.toContain("do-not-echo");
    expect(socket.messages[2]).toEqual({ type: "pong" });
    expect(socket.closed).toBeUndefined();
    socket.close();
  });
});

describe("limits", () => {
  it("closes a socket beyond the per-user limit with 4429", async () => {
    const user = await registerUser(server.app);
    const sockets = await Promise.all([connect(user), connect(user), connect(user)]);
    const extra = await connect(user);
    expect(await extra.waitForClose()).toMatchObject({ code: 4429 });
    for (const socket of sockets) expect(socket.closed).toBeUndefined();
    // A slot frees up when a socket leaves.
    sockets[0]?.close();
    await sockets[0]?.waitForClose();
    const again = await connect(user);
    again.send('{"type":"ping"}');
    await again.waitFor(() => again.messages.length > 0);
    expect(again.closed).toBeUndefined();
    for (const socket of [...sockets, again]) socket.close();
  });

  it("drops a client that stops answering pings", async () => {
    const socket = await RecordingSocket.open(wsUrl(`?token=${alice.access}`), undefined, {
      autoPong: false,
    });
    open.push(socket);
    // Heartbeat every 300 ms: one ping unanswered, dropped at the next tick.
    const closed = await socket.waitForClose(3_000);
    expect(closed.code).toBe(1006);
  });
});

describe("token expiry and shutdown", () => {
  it("closes the socket with 4401 when its access token expires", async () => {
    // Tokens expire on whole seconds: one of a 1 s lifetime issued late in a second may be dead before the socket
    // opens. 4 s leaves 3 s at least to open it.
    const shortLived = await startServer({ accessTokenTtl: "4s" });
    try {
      const user = await registerUser(shortLived.app);
      const socket = await RecordingSocket.open(
        `${shortLived.url.replace("http", "ws")}/ws/prompts/?token=${user.access}`,
      );
      expect(await socket.waitForClose(10_000)).toEqual({ code: 4401, reason: "token expired" });
    } finally {
      await shortLived.close();
    }
  });

  it("closes sockets with 1001 when the server shuts down", async () => {
    const other = await startServer();
    const user = await registerUser(other.app);
    const socket = await RecordingSocket.open(
      `${other.url.replace("http", "ws")}/ws/prompts/?token=${user.access}`,
    );
    await other.close();
    expect(await socket.waitForClose()).toMatchObject({ code: 1001 });
  });
});
