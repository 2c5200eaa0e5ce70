/**
 * What a client sees, and what the log says, when the client gets something wrong: errors that say what to change,
 * request ids that are plain ids, and client-caused failures logged once, as warn or info, without a stack.
 */
import { connect } from "node:net";
import { PassThrough } from "node:stream";
import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "../realtime/socket-client.js";

let server: TestServer;
let user: TestUser;
let output = "";

beforeAll(async () => {
  const logStream = new PassThrough();
  logStream.on("data", (chunk) => {
    output += chunk;
  });
  server = await startServer({ logLevel: "info", logStream, wsConnectRateLimits: "4/min" });
  user = await registerUser(server.app);
});
afterAll(() => server?.close());

const lines = () =>
  output
    .split("\n")
    .filter(Boolean)
    .map(
      (line) => JSON.parse(line) as { level: number; msg: string; err?: { stack?: string }; reqId?: string },
    );
const socketUrl = (token: string) => `${server.url.replace("http", "ws")}/ws/prompts/?token=${token}`;

describe("errors a newcomer can act on", () => {
  it("names the body limit in a 413", async () => {
    const response = await fetch(`${server.url}/api/prompts`, {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x".repeat(300 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      code: "payload_too_large",
      detail: "Request body is too large: at most 262144 bytes (BODY_LIMIT).",
    });
  });

  it("says to send application/json in a 415", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/auth/login/",
      headers: { "content-type": "text/plain" },
      payload: "username=alice",
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().detail).toContain("Content-Type: application/json");
  });

  it("answers a plain GET on the WebSocket endpoint with 426 in the API's shape", async () => {
    const response = await fetch(socketUrl(user.access).replace("ws", "http"));
    expect(response.status).toBe(426);
    expect(await response.json()).toMatchObject({
      code: "upgrade_required",
      detail: expect.stringContaining("WebSocket"),
    });
  });
});

describe("passwords", () => {
  it.each([
    ["register", { username: "surrogate1", email: "s@b.co", password: "secret\ud800123" }],
    ["login", { username: "surrogate1", password: "secret\udc00123" }],
  ])("refuses a lone surrogate on %s with 400 naming the field", async (route, payload) => {
    const response = await server.app.inject({ method: "POST", url: `/api/auth/${route}/`, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "invalid", fields: { password: [expect.any(String)] } });
  });

  it("takes a password with whole emoji", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/auth/register/",
      payload: { username: "emojipass", email: "e@b.co", password: "secret 🔑🔑 123" },
    });
    expect(response.statusCode).toBe(201);
  });
});

describe("x-request-id", () => {
  it.each([
    ["a plain id", "trace-42.a:b_c", true],
    ["5,000 characters", "a".repeat(5000), false],
    ["quotes and markup", '"><script>alert(1)</script>', false],
  ])("keeps the caller's id only when it is one (%s)", async (_name, given, kept) => {
    const response = await server.app.inject({ url: "/healthz", headers: { "x-request-id": given } });
    const echoed = response.headers["x-request-id"];
    if (kept) expect(echoed).toBe(given);
    else expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    expect(output).not.toContain("<script>");
  });
});

describe("client-caused failures in the log", () => {
  it("logs a WebSocket flood once, and nothing after the socket closed", async () => {
    const socket = await RecordingSocket.open(socketUrl(user.access));
    const before = lines().filter((line) => line.msg.includes("too many messages")).length;
    // 2,000 empty frames in one write, as an attacker sends them.
    const frame = Buffer.from([0x81, 0x80, 0, 0, 0, 0]);
    (socket.socket as unknown as { _socket: { write(data: Buffer): void } })._socket.write(
      Buffer.concat(Array.from({ length: 2000 }, () => frame)),
    );
    expect((await socket.waitForClose()).code).toBe(4429);
    await expect
      .poll(() => lines().filter((line) => line.msg.includes("too many messages")).length)
      .toBe(before + 1);
    // A line logged later would arrive with the next request's; there is none.
    await fetch(`${server.url}/healthz`);
    expect(lines().filter((line) => line.msg.includes("too many messages"))).toHaveLength(before + 1);
  });

  it("logs a frame over the limit (1009) and a body cut short as info, without a stack", async () => {
    const socket = await RecordingSocket.open(socketUrl(user.access));
    socket.send("x".repeat(64 * 1024));
    expect((await socket.waitForClose()).code).toBe(1009);

    const raw = connect(Number(new URL(server.url).port), "127.0.0.1");
    await new Promise((resolve) => raw.once("connect", resolve));
    raw.write(
      'POST /api/auth/login/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"us',
    );
    await expect
      .poll(() => lines().some((line) => line.msg === "request completed" || line.reqId))
      .toBe(true);
    raw.destroy();

    // Its request line: a 400 for the client (who is gone), not a 503 blaming the database.
    await expect
      .poll(() => lines().findLast((line) => (line as { route?: string }).route === "/api/auth/login/"))
      .toMatchObject({ statusCode: 400 });
    expect(lines().filter((line) => line.msg.includes("service unavailable"))).toEqual([]);
    await expect
      .poll(() => lines().some((line) => line.msg === "websocket closed on a client error"))
      .toBe(true);
    expect(lines().filter((line) => line.level >= 50)).toEqual([]);
    expect(lines().filter((line) => line.err?.stack)).toEqual([]);
  });
});

describe("new WebSockets per user", () => {
  it("refuses one more than WS_CONNECT_RATE_LIMITS a minute with 429 before the upgrade", async () => {
    const fresh = await registerUser(server.app);
    const opened = [];
    for (let index = 0; index < 4; index++) opened.push(await RecordingSocket.open(socketUrl(fresh.access)));
    for (const socket of opened) socket.socket.close();
    const refused = await RecordingSocket.open(socketUrl(fresh.access)).then(
      () => undefined,
      (error: { status?: number; body?: string }) => error,
    );
    expect(refused?.status).toBe(429);
    expect(JSON.parse(refused?.body ?? "{}")).toMatchObject({ code: "throttled" });
    // Another user is not affected.
    (await RecordingSocket.open(socketUrl(user.access))).socket.close();
  });
});
