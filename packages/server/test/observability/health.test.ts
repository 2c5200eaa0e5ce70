import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "@prompt-service/server";
import { seedEmbeddedDataDir, startServer, type TestServer } from "@prompt-service/testkit";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { observability, type ReadinessCheck } from "../../src/observability/index.js";
import { Metrics } from "../../src/observability/metrics.js";

describe("with a working database", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ listen: false });
  });
  afterAll(() => server.close());

  it.each(["/healthz", "/healthz/"])("GET %s answers 200 {status: ok}", async (url) => {
    const response = await server.app.inject({ url });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it.each(["/readyz", "/readyz/"])("GET %s answers 200 with the database check", async (url) => {
    const response = await server.app.inject({ url });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", checks: { database: "ok" } });
  });
});

describe("when the database stops answering", () => {
  it("GET /readyz answers 503 service_unavailable naming the failed check, /healthz still 200", async () => {
    // A copy of a migrated database: a new one (initdb) took most of the test's time, and past it on a busy machine.
    const dataDir = await mkdtemp(join(tmpdir(), "prompt-readyz-"));
    await seedEmbeddedDataDir(dataDir);
    const storage = await openStorage({ dataDir });
    const server = await startServer({ listen: false, storage });
    try {
      await storage.close();
      const response = await server.app.inject({ url: "/readyz" });
      expect(response.statusCode).toBe(503);
      const body = response.json();
      expect(body).toEqual({
        detail: expect.stringContaining("database"),
        code: "service_unavailable",
        checks: { database: expect.stringMatching(/^error: .+/) },
      });
      expect((await server.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("readiness checks", () => {
  /** GET /readyz of an app with only these checks, each bounded to 100 ms. */
  async function readyz(...readinessChecks: ReadinessCheck[]) {
    const app = Fastify();
    await app.register(observability, {
      metrics: new Metrics(),
      promptMaxLength: 8000,
      readinessChecks,
      readinessTimeoutMs: 100,
    });
    try {
      return await app.inject({ url: "/readyz" });
    } finally {
      await app.close();
    }
  }

  it("bounds each check by the timeout, and runs them together", async () => {
    // The checks' timeouts run on a clock the test moves (a wall-clock bound failed on a busy machine): both hanging
    // checks are under way before any time passes, so they run together, and one step of the timeout ends both.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let response: Awaited<ReturnType<typeof readyz>>;
    try {
      const called: string[] = [];
      const hang = (name: string) => () => {
        called.push(name);
        return new Promise<void>(() => {});
      };
      const answer = readyz(
        { name: "database", check: async () => {} },
        { name: "redis", check: hang("redis") },
        { name: "queue", check: hang("queue") },
      );
      for (let turn = 0; called.length < 2 && turn < 100_000; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(called.sort(), "both hanging checks started before any time passed").toEqual(["queue", "redis"]);
      await vi.advanceTimersByTimeAsync(100);
      response = await answer;
    } finally {
      vi.useRealTimers();
    }
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({
      database: "ok",
      redis: "error: timed out after 100 ms",
      queue: "error: timed out after 100 ms",
    });
    expect(response.json().detail).toContain("redis, queue");
  });

  it("does not show the credentials of a connection URL", async () => {
    const response = await readyz({
      name: "database",
      check: async () => {
        throw new Error("connect ECONNREFUSED postgres://app:hunter2@10.0.0.5:5432/prompts");
      },
    });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("hunter2");
    expect(response.json().checks.database).toBe(
      "error: connect ECONNREFUSED postgres://[Redacted]@10.0.0.5:5432/prompts",
    );
  });

  it("keeps the reason to one short line", async () => {
    const response = await readyz({
      name: "database",
      check: async () => {
        throw new Error(`first line\n${"x".repeat(500)}`);
      },
    });
    const reason: string = response.json().checks.database;
    expect(reason).not.toContain("\n");
    expect(reason.length).toBeLessThanOrEqual("error: ".length + 120);
  });

  it("is ready with no checks at all", async () => {
    const response = await readyz();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", checks: {} });
  });
});
