import {
  createTestSchema,
  registerUser,
  startServer,
  type TestSchema,
  type TestServer,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RecordingSocket } from "./socket-client.js";

// Two instances on one PostgreSQL schema, and no Redis: a logout on one reaches the other through the database.
let schema: TestSchema;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  schema = await createTestSchema("logout");
  first = await startServer({ database: schema });
  second = await startServer({ database: schema });
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await schema?.drop();
});

const me = (server: TestServer, access: string) =>
  fetch(`${server.url}/api/auth/me/`, { headers: { authorization: `Bearer ${access}` } });

it("ends a session on every instance within a second: its tokens are refused and its sockets closed with 4401", async () => {
  const user = await registerUser(first.app);
  const otherSession = (await (
    await fetch(`${second.url}/api/auth/login/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user.username, password: user.password }),
    })
  ).json()) as { access: string };
  const ws = (server: TestServer, access: string) =>
    RecordingSocket.open(`${server.url.replace("http", "ws")}/ws/prompts/?token=${access}`);
  const onFirst = await ws(first, user.access);
  const onSecond = await ws(second, user.access);
  const otherSocket = await ws(second, otherSession.access);
  expect((await me(second, user.access)).status).toBe(200);

  const loggedOut = performance.now();
  const logout = await fetch(`${first.url}/api/auth/logout/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh: user.refresh }),
  });
  expect(logout.status).toBe(204);
  expect((await me(first, user.access)).status).toBe(401);
  await onFirst.waitFor(() => onFirst.closed !== undefined, 1_000);
  await onSecond.waitFor(() => onSecond.closed !== undefined, 1_500);
  expect(performance.now() - loggedOut).toBeLessThan(1_500);
  expect(onFirst.closed?.code).toBe(4401);
  expect(onSecond.closed?.code).toBe(4401);
  expect((await me(second, user.access)).status).toBe(401);

  // The user's other session goes on.
  expect((await me(second, otherSession.access)).status).toBe(200);
  expect(otherSocket.closed).toBeUndefined();
  otherSocket.close();
});
