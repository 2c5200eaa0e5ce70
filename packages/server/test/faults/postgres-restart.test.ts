/**
 * PostgreSQL goes away and comes back (a restart: every connection dropped, new ones refused for a while), and
 * the network to it silently stops forwarding: the pool reconnects without a restart of the service, /readyz turns
 * 503 then 200, and requests made meanwhile get a prompt error answer rather than hanging. The shared PostgreSQL is
 * not touched: the server reaches it through a TCP proxy that is cut, stalled and restored.
 */
import { openStorage, type Storage } from "@prompt-service/server";
import {
  createTestSchema,
  registerUser,
  startServer,
  startTcpProxy,
  type TcpProxy,
  TEST_DATABASE_URL,
  type TestSchema,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

let schema: TestSchema;
let proxy: TcpProxy;
let storage: Storage;
let server: TestServer;
let user: TestUser;
const idleErrors: Error[] = [];

beforeAll(async () => {
  schema = await createTestSchema("faults");
  proxy = await startTcpProxy(TEST_DATABASE_URL, 5432);
  storage = await openStorage({
    databaseUrl: proxy.url,
    schema: schema.name,
    onIdleError: (error) => idleErrors.push(error),
  });
  server = await startServer({ storage });
  user = await registerUser(server.app);
});

afterEach(() => proxy.restore());

afterAll(async () => {
  // Bounded: while a partition test fails, requests may still hold connections that close only slowly.
  const bounded = (work: Promise<unknown> | undefined) =>
    Promise.race([work, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  await bounded(server?.close());
  await bounded(storage?.close());
  await proxy?.close();
  await schema?.drop();
}, 60_000);

/** The status and how long it took, for requests that must neither hang nor crash while the database is away. */
async function timed(path: string, init: RequestInit = {}) {
  const started = performance.now();
  const response = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body, ms: performance.now() - started };
}

const createPrompt = (prompt: string) =>
  timed("/api/prompts", {
    method: "POST",
    headers: { ...user.headers, "content-type": "application/json" },
    body: JSON.stringify({ prompt }),
  });

const listPrompts = () => timed("/api/prompts", { headers: user.headers });

async function expectRecovered(prompt: string): Promise<void> {
  await vi.waitFor(async () => expect((await timed("/readyz")).status).toBe(200), {
    timeout: 15_000,
    interval: 200,
  });
  const created = await createPrompt(prompt);
  expect(created.status).toBe(201);
  const listed = await listPrompts();
  expect(listed.status).toBe(200);
  expect((listed.body.results as Array<{ id: number }>).map((prompt) => prompt.id)).toContain(
    created.body.id,
  );
}

describe("PostgreSQL restarts", () => {
  it("answers /readyz 503 while it is away and 200 once the pool has reconnected, without a restart", async () => {
    expect((await timed("/readyz")).status).toBe(200);
    expect((await createPrompt("before the restart")).status).toBe(201);

    proxy.cut();
    const ready = await timed("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      code: "service_unavailable",
      checks: { database: expect.stringMatching(/^error: /) },
    });
    expect(ready.ms).toBeLessThan(3_000);

    proxy.restore();
    await expectRecovered("after the restart");
  });

  it("answers requests made while it is away promptly with 503 service_unavailable, not 500", async () => {
    proxy.cut();
    for (const attempt of [await createPrompt("while away"), await listPrompts()]) {
      expect(attempt.ms).toBeLessThan(6_000);
      expect(attempt.status).toBe(503);
      expect(attempt.body).toMatchObject({ code: "service_unavailable", detail: expect.any(String) });
    }
    proxy.restore();
    await expectRecovered("after requests failed");
  });
});

describe("the network to PostgreSQL stops forwarding (a silent partition)", () => {
  it("answers requests within a bound instead of hanging on a dead connection, and /readyz 503", async () => {
    // The connections the pool holds idle when the network stops are the ones that hang: make it hold several.
    const warm = await Promise.all(Array.from({ length: 6 }, () => listPrompts()));
    expect(warm.map((response) => response.status)).toEqual(Array(6).fill(200));
    proxy.stall();
    const during = await Promise.all(
      Array.from({ length: 6 }, () => listPrompts().catch((error: Error) => error)),
    );
    const ready = await timed("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(3_000);
    for (const attempt of during) {
      // A fetch aborted after 20 s, or an answer after more than 15 s, is a request left hanging.
      expect(attempt).not.toBeInstanceOf(Error);
      if (attempt instanceof Error) continue;
      expect(attempt.ms).toBeLessThan(15_000);
      expect(attempt.status).toBe(503);
    }

    proxy.restore();
    await expectRecovered("after the partition");
  }, 60_000);
});
