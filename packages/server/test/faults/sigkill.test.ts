/**
 * The standalone server is killed with SIGKILL in the middle of a burst of writes, then started again on the same
 * data: every prompt that was answered 201 must be there, listed and found by similarity search with its own text.
 * Embedded mode (PGlite in DATA_DIR) and PostgreSQL mode (a database of its own, created and dropped here).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerProcess, startServerProcess, TEST_DATABASE_URL } from "@prompt-service/testkit";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const JWT_SECRET = "sigkill-test-secret-that-is-long-enough-0123456789";
const UNTHROTTLED = "100000/s";
/** Writers sending prompts at the same time. */
const CONCURRENCY = 16;
/** The kill comes once this many prompts were answered: enough that many more are in flight. */
const KILL_AFTER = 40;

interface Accepted {
  id: number;
  prompt: string;
}

interface Page {
  results: Accepted[];
  next: string | null;
  access: string;
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Page }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: (await response.json()) as Page };
}

async function logIn(url: string): Promise<string> {
  const credentials = { username: `killed${randomBytes(3).toString("hex")}`, password: "secret123" };
  const post = (path: string, body: unknown) =>
    json(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  expect((await post("/api/auth/register/", { ...credentials, email: "k@example.com" })).status).toBe(201);
  const login = await post("/api/auth/login/", credentials);
  expect(login.status).toBe(200);
  return login.body.access as string;
}

/** Distinct texts of unrelated words, so that each one's best match is itself. */
function promptText(index: number): string {
  const words = Array.from({ length: 6 }, () => randomBytes(3).toString("hex"));
  return `burst ${index} ${words.join(" ")}`;
}

/** Writes until the server dies; resolves with every prompt it answered 201, and how many requests failed. */
async function burstUntilKilled(server: ServerProcess, token: string) {
  const accepted: Accepted[] = [];
  let failed = 0;
  let next = 0;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    server.child.kill("SIGKILL");
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (!killed || next < KILL_AFTER * 10) {
        if (killed) break;
        const prompt = promptText(next++);
        try {
          const response = await fetch(`${server.url}/api/prompts`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ prompt }),
          });
          const body = (await response.json()) as { id: number; prompt: string };
          if (response.status === 201) {
            accepted.push({ id: body.id, prompt: body.prompt });
            expect(body.prompt).toBe(prompt);
          } else failed++;
          if (accepted.length >= KILL_AFTER) kill();
        } catch {
          failed++;
          kill();
        }
      }
    }),
  );
  await server.stop("SIGKILL");
  return { accepted, failed };
}

async function listAll(url: string, token: string): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page = await json(`${url}/api/prompts?limit=100${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(page.status).toBe(200);
    for (const prompt of page.body.results as Accepted[]) found.set(prompt.id, prompt.prompt);
    cursor = page.body.next;
  } while (cursor);
  return found;
}

async function expectAllDurable(environment: Record<string, string>): Promise<void> {
  const first = await startServerProcess(environment);
  let token: string;
  let burst: { accepted: Accepted[]; failed: number };
  try {
    token = await logIn(first.url);
    burst = await burstUntilKilled(first, token);
  } finally {
    await first.stop("SIGKILL");
  }
  expect(burst.accepted.length).toBeGreaterThanOrEqual(KILL_AFTER);
  // The kill came while requests were in flight: some of them never got an answer.
  expect(burst.failed).toBeGreaterThan(0);

  const second = await startServerProcess(environment, 60_000);
  try {
    const listed = await listAll(second.url, token);
    const missing = burst.accepted.filter((prompt) => listed.get(prompt.id) !== prompt.prompt);
    expect(missing).toEqual([]);
    for (const prompt of burst.accepted) {
      const search = await json(
        `${second.url}/api/prompts/similar?q=${encodeURIComponent(prompt.prompt)}&k=5`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(search.status).toBe(200);
      const ids = (search.body.results as Accepted[]).map((result) => result.id);
      expect(ids, `"${prompt.prompt}" is not found by its own text`).toContain(prompt.id);
    }
  } finally {
    await second.stop("SIGTERM");
  }
}

const baseEnvironment = {
  JWT_SECRET,
  PROMPT_RATE_LIMITS: UNTHROTTLED,
  SEARCH_RATE_LIMITS: UNTHROTTLED,
  LOGIN_RATE_LIMITS: UNTHROTTLED,
  LOGIN_ADDRESS_RATE_LIMITS: UNTHROTTLED,
};

describe("SIGKILL during a burst of writes", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("loses no answered prompt in embedded mode", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "prompt-sigkill-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await expectAllDurable({ ...baseEnvironment, DATA_DIR: dataDir });
  }, 180_000);

  it("loses no answered prompt in PostgreSQL mode", async () => {
    // The standalone server takes a DATABASE_URL, not a schema: a database of its own, dropped afterwards.
    const name = `sigkill_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const dropper = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    });
    const databaseUrl = new URL(TEST_DATABASE_URL);
    databaseUrl.pathname = `/${name}`;
    const dataDir = await mkdtemp(join(tmpdir(), "prompt-sigkill-pg-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await expectAllDurable({ ...baseEnvironment, DATA_DIR: dataDir, DATABASE_URL: databaseUrl.toString() });
  }, 180_000);
});
