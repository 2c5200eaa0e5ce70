/**
 * Slow and greedy clients against a real port: stalled requests are closed at their timeout with the API's error
 * body, one address cannot hold more than its share of connections, and neither bound cuts an answer being streamed
 * or an open WebSocket.
 */
import { connect, type Socket } from "node:net";
import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "../realtime/socket-client.js";

const REQUEST_TIMEOUT = 600;
const MAX_CONNECTIONS = 5;

let server: TestServer;
let user: TestUser;
let port: number;

beforeAll(async () => {
  server = await startServer({
    headersTimeout: REQUEST_TIMEOUT,
    requestTimeout: REQUEST_TIMEOUT,
    idleTimeout: REQUEST_TIMEOUT,
    maxConnectionsPerAddress: MAX_CONNECTIONS,
    // The mock answer comes in 4 pieces, so 3 pauses of 500 ms: 1.5 s, past twice every timeout above (1.2 s).
    mockLlmDelay: "500ms",
  });
  user = await registerUser(server.app);
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.close());

/** A raw connection from `localAddress` that records what the server sends and when it closes. */
function rawClient(localAddress: string, head: string) {
  const socket: Socket = connect({ host: "127.0.0.1", port, localAddress });
  let received = "";
  socket.on("data", (data) => {
    received += data.toString("latin1");
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  void connected.then(() => socket.write(head));
  return { socket, connected, closed, received: () => received };
}

const stalledPost = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"us`;

const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;

describe("stalled requests", () => {
  it("closes a request whose body never comes with a 408 in the API's shape", async () => {
    const client = rawClient("127.0.0.4", stalledPost("/api/auth/login/"));
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(client.received())).toMatchObject({ code: "request_timeout", detail: expect.any(String) });
  });

  it("answers everybody else while one address holds as many stalled sockets as it may, and refuses it more", async () => {
    const held = Array.from({ length: MAX_CONNECTIONS }, () =>
      rawClient("127.0.0.2", stalledPost("/api/auth/login/")),
    );
    await Promise.all(held.map((client) => client.connected));
    const extra = rawClient("127.0.0.2", "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await extra.closed;
    expect(extra.received()).toMatch(/^HTTP\/1\.1 429 /);
    expect(bodyOf(extra.received())).toMatchObject({ code: "throttled" });
    expect(bodyOf(extra.received()).detail).toContain(`at most ${MAX_CONNECTIONS}`);

    const other = new Agent({ localAddress: "127.0.0.3" });
    try {
      const health = await request(`${server.url}/healthz`, { dispatcher: other });
      expect(health.statusCode).toBe(200);
      await health.body.text();
    } finally {
      await other.close();
    }
    // Still held: they were not closed to make room, but by their own timeout.
    expect(held.every((client) => !client.socket.destroyed)).toBe(true);
    await Promise.all(held.map((client) => client.closed));
    for (const client of held) expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe("what the timeouts never cut", () => {
  it("streams an answer that takes longer than every timeout to the end", async () => {
    const started = performance.now();
    const response = await request(`${server.url}/api/prompts`, {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "one two three four five six seven eight nine ten", stream: true }),
    });
    expect(response.statusCode).toBe(200);
    const text = await response.body.text();
    expect(performance.now() - started).toBeGreaterThan(REQUEST_TIMEOUT * 2);
    expect(text).toContain("event: prompt.message");
  });

  it("keeps a quiet WebSocket open past every timeout", async () => {
    const socket = await RecordingSocket.open(
      `${server.url.replace("http", "ws")}/ws/prompts/?token=${user.access}`,
    );
    try {
      // Quiet for two timeouts: a bound that applied to the socket would have closed it by then.
      const quiet = Date.now() + REQUEST_TIMEOUT * 2;
      await socket
        .waitFor(() => socket.closed !== undefined || Date.now() >= quiet, REQUEST_TIMEOUT * 4)
        .catch(() => {});
      expect(socket.closed).toBeUndefined();
      socket.send(JSON.stringify({ type: "ping" }));
      await socket.waitFor(() => socket.messages.some((message) => message.type === "pong"));
    } finally {
      socket.socket.close();
    }
  });
});

describe("what Node refuses before there is a request", () => {
  it.each([
    [
      "headers over Node's limit",
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
      "headers_too_large",
    ],
    ["bytes that are not HTTP", "HELLO THERE\r\n\r\n", 400, "parse_error"],
  ])("answers %s with the API's error body", async (_name, head, status, code) => {
    const client = rawClient("127.0.0.5", head);
    await client.closed;
    expect(client.received()).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(bodyOf(client.received())).toMatchObject({ code, detail: expect.any(String) });
  });
});
