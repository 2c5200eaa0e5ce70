import {
  createPrompt,
  createTestSchema,
  registerUser,
  startServer,
  type TestSchema,
  type TestServer,
} from "@prompt-service/testkit";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";

// Two instances sharing one PostgreSQL schema, as behind a load balancer.
let schema: TestSchema;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  schema = await createTestSchema("deletes");
  first = await startServer({ database: schema, listen: false });
  second = await startServer({ database: schema, listen: false });
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await schema?.drop();
});

type User = Awaited<ReturnType<typeof registerUser>>;

const deleteAccount = (server: TestServer, user: User) =>
  server.app.inject({
    method: "DELETE",
    url: "/api/auth/me/",
    headers: user.headers,
    payload: { password: user.password },
  });

const similar = async (server: TestServer, headers: Record<string, string>, q: string) =>
  (
    await server.app.inject({
      method: "GET",
      url: `/api/prompts/similar?q=${encodeURIComponent(q)}&k=10`,
      headers,
    })
  )
    .json()
    .results.map((result: { id: number }) => result.id) as number[];

it("a prompt deleted on one instance leaves the other's search (whose index held it) within 1 s, and its index is rebuilt without it", async () => {
  const user = await registerUser(first.app);
  const kept = (await createPrompt(first.app, user, "how do bees make honey")).json();
  const doomed = (await createPrompt(first.app, user, "how do bees find flowers")).json();
  // The second instance loads the user's index and finds both.
  await expect
    .poll(() => similar(second, user.headers, "bees"), { timeout: 10_000 })
    .toEqual(expect.arrayContaining([kept.id, doomed.id]));
  const deleted = await first.app.inject({
    method: "DELETE",
    url: `/api/prompts/${doomed.id}`,
    headers: user.headers,
  });
  expect(deleted.statusCode).toBe(204);
  const started = Date.now();
  await expect
    .poll(() => similar(second, user.headers, "bees"), { timeout: 5_000, interval: 50 })
    .not.toContain(doomed.id);
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(await similar(second, user.headers, "bees flowers")).toContain(kept.id);
  const history = await second.app.inject({ method: "GET", url: "/api/prompts", headers: user.headers });
  expect(history.json().results.map((prompt: { id: number }) => prompt.id)).toEqual([kept.id]);
});

it("an account deleted on one instance is refused on the other within 1 s, though that one knew its token", async () => {
  const user = await registerUser(first.app);
  const me = () => second.app.inject({ method: "GET", url: "/api/auth/me/", headers: user.headers });
  expect((await me()).statusCode).toBe(200);
  expect((await deleteAccount(first, user)).statusCode).toBe(204);
  const started = Date.now();
  await expect.poll(async () => (await me()).statusCode, { timeout: 5_000, interval: 50 }).toBe(401);
  expect(Date.now() - started).toBeLessThan(1_000);
  // Nothing more can be stored under it, on either instance.
  expect((await createPrompt(second.app, user, "after deletion")).statusCode).toBe(401);
});

it("an instance started after an account was deleted still refuses the access tokens issued before", async () => {
  const user = await registerUser(first.app);
  expect((await deleteAccount(first, user)).statusCode).toBe(204);
  // A minute ago, as a deletion made well before this instance started: within the token's 5-minute life.
  const db = new pg.Client({ connectionString: schema.databaseUrl });
  await db.connect();
  try {
    await db.query(
      `UPDATE ${schema.name}.account_deletions SET deleted_at = now() - interval '1 minute' WHERE user_id = $1`,
      [user.id],
    );
  } finally {
    await db.end();
  }
  const late = await startServer({ database: schema, listen: false });
  try {
    // History reads no user row: only the deletion's tombstone tells this instance to refuse the token.
    const history = await late.app.inject({ method: "GET", url: "/api/prompts", headers: user.headers });
    expect(history.statusCode).toBe(401);
    expect(history.json()).toMatchObject({ code: "token_not_valid" });
  } finally {
    await late.close();
  }
});
