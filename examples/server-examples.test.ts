import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PromptClient } from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExampleProcess, runExample, startExample } from "./support/example-process.js";

const MOCK_PREFIX = "[mocked-llm_response] ";

describe("stream-answers.ts against a server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("streams an answer over a raw WebSocket, piece by piece, and the pieces add up to the stored answer", async () => {
    const output = await runExample("stream-answers.ts", { PROMPT_SERVER: server.url }, ["tell me a story"]);
    expect(output).toMatch(/^connected to ws:\/\/127\.0\.0\.1:\d+\/ws\/prompts\/$/m);
    expect(output).toMatch(/^pong$/m);
    expect(output).toContain(`\n${MOCK_PREFIX}tell me a story\n`);
    const pieces = Number(/^answer #\d+ streamed in (\d+) pieces$/m.exec(output)?.[1]);
    expect(pieces).toBeGreaterThan(1);
    expect(output).toMatch(/^the pieces add up to the stored answer$/m);
  }, 60_000);
});

describe("mount-plugin.ts: the Prompt Service inside an existing Fastify app", () => {
  let dataDir: string;
  let example: ExampleProcess;
  let app: string;
  const api = () => `${app}/prompt-service`;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "prompt-mount-example-"));
    example = await startExample(
      "mount-plugin.ts",
      {
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        DATABASE_URL: "",
        REDIS_URL: "",
        JWT_SECRET: "",
      },
      /^acme app on (http:\/\/127\.0\.0\.1:\d+), Prompt Service API on \1\/prompt-service$/m,
    );
    app = example.ready[1] as string;
  }, 90_000);
  afterAll(async () => {
    await example?.stop("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps the app's own routes, and its hooks reach the plugin's routes", async () => {
    const root = await fetch(`${app}/`);
    expect(await root.json()).toEqual({
      app: "acme",
      promptService: "/prompt-service",
      docs: "/prompt-service/docs",
    });
    expect(await (await fetch(`${app}/health`)).json()).toEqual({ ok: true });
    const healthz = await fetch(`${api()}/healthz`);
    expect(await healthz.json()).toEqual({ status: "ok" });
    expect(healthz.headers.get("x-served-by")).toBe("acme-app");
    expect(await (await fetch(`${api()}/readyz`)).json()).toMatchObject({ status: "ok" });
  });

  it("serves the API's docs and schema under the prefix", async () => {
    const docs = await fetch(`${api()}/docs`, { redirect: "follow" });
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toMatch(/text\/html/);
    const schema = (await (await fetch(`${api()}/schema`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(schema.paths)).toEqual(
      expect.arrayContaining(["/prompt-service/api/prompts", "/prompt-service/api/prompts/similar"]),
    );
  });

  it("answers unknown paths in the app's format outside the prefix and in the API's format inside it", async () => {
    const outside = await fetch(`${app}/nope`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ statusCode: 404, error: "Not Found" });
    const inside = await fetch(`${api()}/nope`);
    expect(inside.status).toBe(404);
    expect(await inside.json()).toMatchObject({ code: "not_found" });
  });

  it("works for the SDK with the prefix in its baseUrl: auth, prompts, live events and similarity search", async () => {
    const client = new PromptClient({ baseUrl: api() });
    const username = `mounted_${Date.now().toString(36)}`;
    await client.auth.register({ username, email: `${username}@example.com`, password: "secret123" });
    await client.auth.login({ username, password: "secret123" });
    expect((await client.auth.me()).username).toBe(username);

    const stream = client.events();
    try {
      await stream.ready();
      // Not awaited yet: the stream is read while the answer is written.
      const asked = client.prompts.create({ prompt: "hola mundo", websocket: true });
      let completed: unknown;
      for await (const event of stream) {
        if (event.event !== "prompt_completed") continue;
        completed = event.data;
        break;
      }
      const created = await asked;
      expect(created.response).toBe(`${MOCK_PREFIX}hola mundo`);
      expect(completed).toEqual(created);
    } finally {
      await stream.close();
    }
    const similar = await client.prompts.similar("hola", { k: 3 });
    expect(similar.results.map((result) => result.prompt)).toEqual(["hola mundo"]);
  });

  it("serves the WebSocket protocol under the prefix (stream-answers.ts pointed at the mounted API)", async () => {
    const output = await runExample("stream-answers.ts", { PROMPT_SERVER: api() }, ["mounted and streaming"]);
    expect(output).toMatch(/^connected to ws:\/\/127\.0\.0\.1:\d+\/prompt-service\/ws\/prompts\/$/m);
    expect(output).toContain(`\n${MOCK_PREFIX}mounted and streaming\n`);
    expect(output).toMatch(/^the pieces add up to the stored answer$/m);
  }, 60_000);

  it("closes the plugin with the app on SIGTERM and exits 0", async () => {
    expect(await example.stop("SIGTERM")).toBe(0);
  });
});
