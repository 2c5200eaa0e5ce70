/**
 * Two instances on one PostgreSQL schema, one of them with its clock 10 s behind: what they compare (when a session
 * was revoked, when a refresh token was first used) must be the database's time, or the late instance's writes look
 * old to the other. The late clock is a faked Date while that instance handles the request (both apps share this
 * process, but the other one does nothing meanwhile but look at the database).
 */
import {
  createTestSchema,
  registerUser,
  startServer,
  type TestSchema,
  type TestServer,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

const SKEW_MS = 10_000;

let schema: TestSchema;
let late: TestServer;
let other: TestServer;

beforeAll(async () => {
  schema = await createTestSchema("skew");
  // A grace window shorter than the skew: an instance's clock, if used, would put the first use outside it.
  late = await startServer({ database: schema, refreshReuseGrace: "5s" });
  other = await startServer({ database: schema, refreshReuseGrace: "5s" });
});
afterAll(async () => {
  await late?.close();
  await other?.close();
  await schema?.drop();
});

/** Runs `work` with this process's clock SKEW_MS behind (still ticking). */
async function withLateClock<T>(work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - SKEW_MS, shouldAdvanceTime: true });
  try {
    return await work();
  } finally {
    vi.useRealTimers();
  }
}

const post = (server: TestServer, path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const me = (server: TestServer, access: string) =>
  fetch(`${server.url}/api/auth/me/`, { headers: { authorization: `Bearer ${access}` } });

it("ends a session on the other instance when the one with a late clock logs it out", async () => {
  const user = await registerUser(late.app);
  expect((await me(other, user.access)).status).toBe(200);
  const logout = await withLateClock(() => post(late, "/api/auth/logout/", { refresh: user.refresh }));
  expect(logout.status).toBe(204);
  // The other instance looks every 500 ms; 5 s is ten looks.
  const deadline = Date.now() + 5_000;
  let status = 200;
  while (status === 200 && Date.now() < deadline) status = (await me(other, user.access)).status;
  expect(status).toBe(401);
});

it("lets the other instance replay a refresh that the late one answered a moment ago (grace window)", async () => {
  const user = await registerUser(late.app);
  const first = await withLateClock(() => post(late, "/api/auth/refresh/", { refresh: user.refresh }));
  expect(first.status).toBe(200);
  const replay = await post(other, "/api/auth/refresh/", { refresh: user.refresh });
  expect(replay.status).toBe(200);
  type Pair = { access: string; refresh: string };
  const [firstPair, replayPair] = [(await first.json()) as Pair, (await replay.json()) as Pair];
  expect(replayPair.refresh).toBe(firstPair.refresh);
  expect((await me(other, replayPair.access)).status).toBe(200);
});
