import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnServer, startServerProcess } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "prompt-standalone-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const post = async (
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, string> }> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
};

describe("configuration is validated at start", () => {
  it.each([
    [{ PORT: "99999" }, "PORT"],
    [{ PORT: "eighty" }, "PORT"],
    [{ ACCESS_TOKEN_TTL: "soon" }, "ACCESS_TOKEN_TTL"],
    [{ DATABASE_URL: "mysql://localhost/db" }, "DATABASE_URL"],
    [{ JWT_SECRET: "short" }, "JWT_SECRET"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ NODE_ENV: "production" }, "JWT_SECRET"],
  ])("%j exits non-zero naming %s", async (env, variable) => {
    const { exited, output } = spawnServer({ DATA_DIR: dataDir, ...env });
    expect(await exited).not.toBe(0);
    expect(output()).toContain(variable);
    expect(output()).toMatch(/invalid configuration/);
  });
});

// Each of these starts real server processes (a new embedded database, the embedding model): slow on a busy machine.
describe("the standalone server on embedded defaults", { timeout: 90_000 }, () => {
  it("keeps users, prompts and its development secret across a restart, and exits 0 on SIGTERM", async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    expect(
      await post(`${first.url}/api/auth/register/`, {
        username: "alice",
        email: "a@b.c",
        password: "secret123",
      }),
    ).toMatchObject({ status: 201 });
    const login = await post(`${first.url}/api/auth/login/`, { username: "alice", password: "secret123" });
    const created = await post(`${first.url}/api/prompts`, { prompt: "hola mundo" }, login.body.access);
    expect(created.status).toBe(201);
    expect(await first.stop("SIGTERM")).toBe(0);
    expect((await stat(join(dataDir, "jwt-secret"))).mode & 0o777).toBe(0o600);

    const second = await startServerProcess({ DATA_DIR: dataDir });
    try {
      // The access token from before the restart still verifies: the secret was kept, not regenerated.
      const history = await fetch(`${second.url}/api/prompts`, {
        headers: { authorization: `Bearer ${login.body.access}` },
      });
      expect(((await history.json()) as { results: unknown[] }).results).toEqual([created.body]);
    } finally {
      expect(await second.stop("SIGINT")).toBe(0);
    }
  });

  it("finishes an in-flight request before exiting on SIGTERM", async () => {
    // A provider that takes 800 ms to answer, so the request is still running when the signal arrives.
    const provider = createHttpServer((_request, response) => {
      setTimeout(() => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ choices: [{ message: { content: "slow answer" } }] }));
      }, 800);
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    const { port } = provider.address() as AddressInfo;
    const server = await startServerProcess({
      DATA_DIR: dataDir,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    });
    try {
      await post(`${server.url}/api/auth/register/`, {
        username: "patient",
        email: "p@b.c",
        password: "secret123",
      });
      const login = await post(`${server.url}/api/auth/login/`, {
        username: "patient",
        password: "secret123",
      });
      const inFlight = post(`${server.url}/api/prompts`, { prompt: "take your time" }, login.body.access);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exit = server.stop("SIGTERM");
      expect(await inFlight).toMatchObject({ status: 201, body: { response: "slow answer" } });
      expect(await exit).toBe(0);
      expect(server.output()).not.toContain("sk-test");
    } finally {
      provider.close();
    }
  });
});
