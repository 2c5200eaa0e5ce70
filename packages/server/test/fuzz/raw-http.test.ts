/**
 * Bad input that only real sockets can carry: bodies over the limit refused before they are read, malformed HTTP,
 * URLs the router rejects, pathological JSON, and WebSocket abuse. Whatever comes in: no 5xx, no crash, no hang,
 * and errors in the API's `{detail, code}` shape.
 */
import { connect } from "node:net";
import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "../realtime/socket-client.js";

/** The server's default body limit, 256 KiB. */
const BODY_LIMIT = 256 * 1024;

let server: TestServer;
let user: TestUser;
let port: number;

beforeAll(async () => {
  server = await startServer();
  user = await registerUser(server.app);
  port = Number(new URL(server.url).port);
});

afterAll(() => server?.close());

interface RawExchange {
  /** Everything the server sent before closing or before the deadline. */
  response: string;
  status: number | undefined;
  /** Body bytes written before the first byte of the response arrived. */
  bytesSentBeforeAnswer: number;
  ms: number;
}

/**
 * Sends `head` (request line and headers, blank line included), then `chunks` one at a time, a few milliseconds
 * apart, until the server answers: a server that refuses early answers before most of them were sent. Resolves when
 * the server closes the connection, or shortly after its answer started.
 */
function exchange(head: string, chunks: Iterable<Buffer | string> = []): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: "127.0.0.1", port });
    let response = "";
    let sent = 0;
    let sentBeforeAnswer: number | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      resolve({
        response,
        status: status ? Number(status) : undefined,
        bytesSentBeforeAnswer: sentBeforeAnswer ?? sent,
        ms: performance.now() - started,
      });
    };
    const deadline = setTimeout(finish, 10_000);
    socket.on("data", (data) => {
      sentBeforeAnswer ??= sent;
      response += data.toString("latin1");
      setTimeout(finish, 200);
    });
    socket.on("close", finish);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // Writing into a connection the server closed after refusing the body.
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
    });
    socket.on("connect", async () => {
      socket.write(head);
      for (const chunk of chunks) {
        // Give the answer time to arrive before writing more: writing after the server closed resets the
        // connection, and with it the answer not yet read.
        await new Promise((resolve) => setTimeout(resolve, 3));
        if (sentBeforeAnswer !== undefined || finished || socket.destroyed) break;
        socket.write(chunk);
        sent += chunk.length;
      }
    });
  });
}

/** `count` chunks of 16 KiB, raw or in chunked transfer encoding. */
function* body(count: number, chunked = false): Generator<Buffer | string> {
  const piece = "a".repeat(16 * 1024);
  for (let index = 0; index < count; index++) yield chunked ? `4000\r\n${piece}\r\n` : piece;
}

const bodyOf = (raw: string): unknown => {
  const text = raw.slice(raw.indexOf("\r\n\r\n") + 4);
  try {
    return JSON.parse(text);
  } catch {
    // A chunked body: take the JSON between the first chunk-size line and the end.
    const match = /^[0-9a-f]+\r\n([\s\S]*?)\r\n/.exec(text);
    return match ? JSON.parse(match[1] as string) : text;
  }
};

const postHead = (path: string, headers: Record<string, string>) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;

describe("oversized bodies are refused early", () => {
  const huge = String(64 * 1024 * 1024);

  it("refuses a declared Content-Length over the limit with 413 before reading the body", async () => {
    const result = await exchange(
      postHead("/api/auth/register/", { "content-type": "application/json", "content-length": huge }),
      body(4096),
    );
    expect(result.status).toBe(413);
    expect(bodyOf(result.response)).toMatchObject({ code: "payload_too_large", detail: expect.any(String) });
    expect(result.bytesSentBeforeAnswer).toBeLessThan(BODY_LIMIT);
  });

  it("refuses a chunked body once it passes the limit, without reading the rest", async () => {
    const result = await exchange(
      postHead("/api/auth/register/", { "content-type": "application/json", "transfer-encoding": "chunked" }),
      body(4096, true),
    );
    expect(result.status).toBe(413);
    expect(bodyOf(result.response)).toMatchObject({ code: "payload_too_large" });
    expect(result.bytesSentBeforeAnswer).toBeLessThan(BODY_LIMIT * 2);
  });

  it("answers an anonymous oversized POST /api/prompts 401 before reading the body", async () => {
    const result = await exchange(
      postHead("/api/prompts", { "content-type": "application/json", "content-length": huge }),
      body(4096),
    );
    expect(result.status).toBe(401);
    expect(result.bytesSentBeforeAnswer).toBeLessThan(BODY_LIMIT);
  });

  it("answers an authenticated oversized POST /api/prompts 413 before reading the body", async () => {
    const result = await exchange(
      postHead("/api/prompts", {
        authorization: `Bearer ${user.access}`,
        "content-type": "application/json",
        "content-length": huge,
      }),
      body(4096),
    );
    expect(result.status).toBe(413);
    expect(result.bytesSentBeforeAnswer).toBeLessThan(BODY_LIMIT);
  });
});

describe("malformed HTTP and URLs", () => {
  it.each([
    ["a request line that is not HTTP", "HELLO THERE\r\n\r\n"],
    ["a header without a colon", "GET /healthz HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n"],
    ["a header with a control character", "GET /healthz HTTP/1.1\r\nHost: local\u0001host\r\n\r\n"],
    ["a negative Content-Length", postHead("/api/auth/login/", { "content-length": "-5" })],
    [
      "two different Content-Lengths",
      postHead("/api/auth/login/", { "content-length": "5", "Content-Length": "7" }),
    ],
    ["an unsupported HTTP version", "GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n"],
  ])("answers %s with a 4xx and keeps serving", async (_name, head) => {
    const result = await exchange(head);
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it.each([
    ["an id longer than the router accepts", `/api/prompts/${"9".repeat(200)}`],
    ["a path with a broken percent-encoding", "/api/prompts/%E0%A4%A"],
    ["a path with an encoded NUL", "/api/prompts/%00"],
    ["a query with a broken percent-encoding", "/api/prompts?limit=%E0%A4%A"],
  ])("answers %s with a 4xx in the API's error shape", async (_name, path) => {
    const response = await fetch(`${server.url}${path}`, { headers: user.headers });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.json()).toMatchObject({ detail: expect.any(String), code: expect.any(String) });
  });
});

describe("pathological JSON within the size limit", () => {
  it.each([
    [
      "nested 50,000 deep in an unknown field",
      `{"prompt":"x","extra":${"[".repeat(50_000)}${"]".repeat(50_000)}}`,
    ],
    ["nested 50,000 deep as the whole body", `${"[".repeat(50_000)}${"]".repeat(50_000)}`],
    ["with a __proto__ key", '{"prompt":"x","__proto__":{"polluted":true}}'],
    [
      "with 20,000 keys",
      `{${Array.from({ length: 20_000 }, (_, index) => `"k${index}":${index}`).join(",")},"prompt":"x"}`,
    ],
    ["with a lone surrogate escaped", '{"prompt":"\\ud800 lone"}'],
    ["in UTF-16", Buffer.from('{"prompt":"x"}', "utf16le").toString("latin1")],
  ])("answers a body %s without a 5xx", async (_name, payload) => {
    const response = await fetch(`${server.url}/api/prompts`, {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: payload,
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status >= 400)
      expect(body).toMatchObject({ detail: expect.any(String), code: expect.any(String) });
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});

describe("WebSocket abuse", () => {
  const socketUrl = (token?: string) =>
    `${server.url.replace("http", "ws")}/ws/prompts/${token === undefined ? "" : `?token=${encodeURIComponent(token)}`}`;

  it.each([
    ["no token", undefined],
    ["an empty token", ""],
    ["garbage", "not.a.token"],
    ["a refresh token", "REFRESH"],
  ])("refuses an upgrade with %s with HTTP 401", async (_name, token) => {
    const refused = await RecordingSocket.open(socketUrl(token === "REFRESH" ? user.refresh : token)).then(
      () => undefined,
      (error: { status?: number }) => error,
    );
    expect(refused?.status).toBe(401);
  });

  it("answers garbage messages with errors, closes on an oversized one, and keeps serving", async () => {
    const socket = await RecordingSocket.open(socketUrl(user.access));
    for (const message of ["{", "null", "[]", '{"type":42}', '{"type":"ping","extra":"x"}', "\u0000"]) {
      socket.send(message);
    }
    socket.socket.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    await socket.waitFor(() => socket.messages.length >= 7);
    expect(socket.messages.filter((message) => message.type === "error")).toHaveLength(6);
    expect(socket.messages.filter((message) => message.type === "pong")).toHaveLength(1);

    socket.send("x".repeat(64 * 1024));
    expect((await socket.waitForClose()).code).toBe(1009);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
