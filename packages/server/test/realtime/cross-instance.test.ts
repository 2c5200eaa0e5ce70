import {
  createTestSchema,
  registerUser,
  requireRedis,
  startServer,
  TEST_REDIS_URL,
  type TestSchema,
  type TestServer,
  uniqueRedisPrefix,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHub, userGroup } from "../../src/realtime/hub/index.js";
import { RecordingSocket } from "./socket-client.js";

// Two instances on real ports behind "a load balancer": one PostgreSQL schema and one Redis shared.
let schema: TestSchema;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  await requireRedis();
  schema = await createTestSchema("realtime");
  const redisPrefix = uniqueRedisPrefix();
  first = await startServer({ database: schema, redisUrl: TEST_REDIS_URL, redisPrefix });
  second = await startServer({ database: schema, redisUrl: TEST_REDIS_URL, redisPrefix });
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await schema?.drop();
});

it("delivers a prompt posted on one instance to the user's sockets on both, and to nobody else", async () => {
  const alice = await registerUser(first.app);
  const bob = await registerUser(second.app);
  const onSecond = await RecordingSocket.open(
    `${second.url.replace("http", "ws")}/ws/prompts/?token=${alice.access}`,
  );
  const onFirst = await RecordingSocket.open(
    `${first.url.replace("http", "ws")}/ws/prompts/?token=${alice.access}`,
  );
  const bobs = await RecordingSocket.open(
    `${second.url.replace("http", "ws")}/ws/prompts/?token=${bob.access}`,
  );

  const response = await fetch(`${first.url}/api/prompts`, {
    method: "POST",
    headers: { ...alice.headers, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "hola mundo", websocket: true }),
  });
  expect(response.status).toBe(201);
  const created = await response.json();

  for (const socket of [onSecond, onFirst]) {
    await socket.waitFor(() => socket.messages.some((message) => message.type === "prompt.message"));
    expect(socket.messages.at(-1)).toEqual({
      type: "prompt.message",
      event: "prompt_completed",
      data: created,
    });
  }
  bobs.send('{"type":"ping"}');
  await bobs.waitFor(() => bobs.messages.length > 0);
  expect(bobs.messages).toEqual([{ type: "pong" }]);
  for (const socket of [onSecond, onFirst, bobs]) socket.close();
});

it("drops a slow consumer instead of buffering without bound", async () => {
  // Events published straight to the user's group: ~200 KB each, 200 of them outgrow any loopback socket buffer.
  const hub = await createHub();
  const slowServer = await startServer({ hub, wsMaxBufferedBytes: 256 * 1024 });
  try {
    const user = await registerUser(slowServer.app);
    const socket = await RecordingSocket.open(
      `${slowServer.url.replace("http", "ws")}/ws/prompts/?token=${user.access}`,
    );
    // Stop reading: the kernel buffers fill up, then the server's own buffer grows past the limit.
    socket.socket.pause();
    const big = "x".repeat(200_000);
    for (let index = 0; index < 200; index++) {
      await hub.publish(userGroup(user.id), { type: "test.big", index, big });
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.socket.resume();
    // The server terminates the connection (its close frame would queue behind the backlog): an abnormal close,
    // before everything published was delivered.
    const closed = await socket.waitForClose(10_000);
    expect(closed.code).toBe(1006);
    expect(socket.messages.length).toBeLessThan(200);
  } finally {
    await slowServer.close();
    await hub.close();
  }
});
