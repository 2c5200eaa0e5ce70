import { CLOSE_CODES } from "@prompt-service/protocol";
import {
  createTestSchema,
  registerUser,
  startServer,
  type TestSchema,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "../realtime/socket-client.js";

// Two instances on real ports sharing one PostgreSQL schema, as behind a load balancer.
let schema: TestSchema;
let first: TestServer;
let second: TestServer;
let alice: TestUser;

beforeAll(async () => {
  schema = await createTestSchema("keys");
  first = await startServer({ database: schema });
  second = await startServer({ database: schema });
  alice = await registerUser(first.app);
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await schema?.drop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const meStatus = async (server: TestServer, key: string) =>
  (await fetch(`${server.url}/api/auth/me/`, { headers: bearer(key) })).status;

async function newKey(server: TestServer): Promise<{ id: number; key: string }> {
  const response = await fetch(`${server.url}/api/keys`, {
    method: "POST",
    headers: { ...alice.headers, "content-type": "application/json" },
    body: JSON.stringify({ name: "instances" }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number; key: string };
}

describe("API keys across instances", () => {
  it("a key revoked on one instance is refused on the other within 1 s, though that one had it warm", async () => {
    const { id, key } = await newKey(first);
    expect(await meStatus(second, key)).toBe(200);
    const revoked = await fetch(`${first.url}/api/keys/${id}`, { method: "DELETE", headers: alice.headers });
    expect(revoked.status).toBe(204);
    expect(await meStatus(first, key)).toBe(401);
    const started = Date.now();
    await expect.poll(() => meStatus(second, key), { timeout: 5_000, interval: 50 }).toBe(401);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("opens a WebSocket with a key given each of the three ways, and closes them all when it is revoked elsewhere", async () => {
    const { id, key } = await newKey(first);
    const ws = second.url.replace("http", "ws");
    const sockets = [
      await RecordingSocket.open(`${ws}/ws/prompts/?token=${key}`),
      await RecordingSocket.open(`${ws}/ws/prompts/`, undefined, { headers: bearer(key) }),
      await RecordingSocket.open(`${ws}/ws/prompts/`, ["bearer", key]),
    ];
    // Events cross instances through Redis, which this pair has not: the prompt goes to the sockets' instance.
    const posted = await fetch(`${second.url}/api/prompts`, {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/json" },
      body: JSON.stringify({ prompt: "events of a key", websocket: true }),
    });
    expect(posted.status).toBe(201);
    const created = await posted.json();
    for (const socket of sockets) {
      await socket.waitFor(() => socket.messages.some((message) => message.event === "prompt_completed"));
      expect(socket.messages.find((message) => message.event === "prompt_completed")?.data).toEqual(created);
    }
    expect(
      (await fetch(`${first.url}/api/keys/${id}`, { method: "DELETE", headers: alice.headers })).status,
    ).toBe(204);
    for (const socket of sockets) expect((await socket.waitForClose()).code).toBe(CLOSE_CODES.unauthorized);
  });
});
