import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { createPrompt, registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";

const API_KEY = "sk-live-secret-key-0123456789";
let server: TestServer;
let provider: Server;
let output = "";

beforeAll(async () => {
  // A provider that fails, so that the 502 path (which logs the error) runs with a real key configured.
  provider = createHttpServer((_request, response) => {
    response
      .writeHead(500, { "content-type": "application/json" })
      .end(`{"error":{"message":"bad key ${API_KEY}"}}`);
  });
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  const logStream = new PassThrough();
  logStream.on("data", (chunk) => {
    output += chunk;
  });
  server = await startServer({
    logLevel: "trace",
    logStream,
    openaiApiKey: API_KEY,
    openaiBaseUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`,
  });
});
afterAll(async () => {
  await server.close();
  provider.close();
});

const lines = () =>
  output
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

it("logs one JSON line per request with id, method, route, status, duration and user, and no secret anywhere", async () => {
  const user = await registerUser(server.app, "logwatcher");
  const refreshed = await server.app.inject({
    method: "POST",
    url: "/api/auth/refresh/",
    payload: { refresh: user.refresh },
  });
  const me = await server.app.inject({
    method: "GET",
    url: "/api/auth/me/",
    headers: { ...user.headers, "x-request-id": "trace-me-42" },
  });
  expect(me.headers["x-request-id"]).toBe("trace-me-42");
  const created = await server.app.inject({
    method: "POST",
    url: "/api/keys",
    headers: user.headers,
    payload: { name: "logged" },
  });
  const apiKey: string = created.json().key;
  const keyHeaders = { authorization: `Bearer ${apiKey}` };
  expect(
    (await server.app.inject({ method: "GET", url: "/api/auth/me/", headers: keyHeaders })).statusCode,
  ).toBe(200);
  const failed = await createPrompt(server.app, user, "this provider fails");
  expect(failed.statusCode).toBe(502);
  for (const token of [user.access, apiKey]) {
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/ws/prompts/?token=${token}`);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.close();
    await new Promise((resolve) => socket.once("close", resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));

  const meLine = lines().find((line) => line.reqId === "trace-me-42" && line.msg === "request completed");
  expect(meLine).toMatchObject({
    method: "GET",
    route: "/api/auth/me/",
    statusCode: 200,
    userId: user.id,
    durationMs: expect.any(Number),
  });
  expect(
    lines().filter((line) => line.reqId === "trace-me-42" && line.msg === "request completed"),
  ).toHaveLength(1);
  expect(lines().some((line) => line.level === 50 && line.msg === "request failed")).toBe(true);

  const secrets = [
    user.password,
    user.access,
    user.refresh,
    refreshed.json().access,
    refreshed.json().refresh,
    API_KEY,
    apiKey,
    // The part of a key past the prefix it is shown by.
    apiKey.slice(12),
  ];
  for (const secret of secrets) expect(output).not.toContain(secret);
});

it("logs an event line when a prompt is created, with the user and prompt ids", async () => {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk) => {
    text += chunk;
  });
  const logged = await startServer({ listen: false, logLevel: "info", logStream: stream });
  try {
    const user = await registerUser(logged.app);
    const created = await createPrompt(logged.app, user, "log me");
    const event = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((line) => line.event === "prompt_created");
    expect(event).toMatchObject({ userId: user.id, promptId: created.json().id, msg: "prompt created" });
  } finally {
    await logged.close();
  }
});

it("logs a path the router refuses as too long (414), and gives it a request id like any other", async () => {
  const response = await server.app.inject({ url: `/api/prompts/${"9".repeat(300)}` });
  expect(response.statusCode).toBe(414);
  expect(response.json()).toMatchObject({ code: "uri_too_long" });
  const id = response.headers["x-request-id"] as string;
  expect(id).toMatch(/^[\w-]+$/);
  await expect
    .poll(() => lines().find((line) => line.reqId === id))
    .toMatchObject({ statusCode: 414, route: "(unmatched)", method: "GET", msg: "request completed" });
});
