import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));
const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The API document as tools other than ours read it: Spectral (`spectral:oas`) and Redocly (`recommended`, the
 * original service's trailing slashes aside: redocly.yaml) find no error in it, and Prism, a validating proxy in
 * front of a real server, finds no violation in the README's curl flow or in the calls that rely on documented
 * defaults (no `limit`, no `k`).
 */
describe("the OpenAPI document under third-party tools", () => {
  let server: TestServer;
  let dir: string;
  let documentPath: string;

  beforeAll(async () => {
    server = await startServer();
    dir = await mkdtemp(join(tmpdir(), "prompt-openapi-"));
    documentPath = join(dir, "openapi.json");
    const document = await (await fetch(`${server.url}/schema`)).text();
    await writeFile(documentPath, document);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("passes spectral lint with spectral:oas, without an error", async () => {
    const { stdout } = await promisify(execFile)(
      bin("spectral"),
      ["lint", "--ruleset", join(ROOT, ".spectral.yaml"), "--fail-severity", "error", documentPath],
      { cwd: ROOT },
    );
    expect(stdout).toMatch(/0 errors/);
  }, 60_000);

  it("passes redocly lint with the recommended rules, without an error", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      bin("redocly"),
      ["lint", "--config", join(ROOT, "redocly.yaml"), documentPath],
      {
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      },
    );
    expect(`${stdout}${stderr}`).toContain("Your API description is valid");
  }, 60_000);

  describe("behind Prism's validating proxy", () => {
    let prism: ChildProcess;
    let proxy: string;

    beforeAll(async () => {
      const port = await freePort();
      proxy = `http://127.0.0.1:${port}`;
      prism = spawn(bin("prism"), ["proxy", documentPath, server.url, "--port", String(port), "--errors"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const listening = new Promise<void>((resolve, reject) => {
        const read = (chunk: Buffer) => {
          output += chunk;
          if (output.includes("Prism is listening")) resolve();
        };
        prism.stdout?.on("data", read);
        prism.stderr?.on("data", read);
        prism.on("exit", (code) => reject(new Error(`prism exited (${code}):\n${output}`)));
      });
      await listening;
    }, 60_000);
    afterAll(() => {
      prism?.kill();
    });

    /** One call through the proxy; with --errors, a violation of the document answers 4xx/5xx from Prism. */
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await fetch(`${proxy}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, violations: response.headers.get("sl-violations"), text };
    };

    it("finds no violation in the README's curl flow and in calls that rely on defaults", async () => {
      const username = `prism${Date.now().toString(36)}`;
      const steps: Array<[string, Awaited<ReturnType<typeof call>>, number]> = [];
      const register = await call("POST", "/api/auth/register/", {
        username,
        email: `${username}@example.com`,
        password: "secret123",
      });
      steps.push(["register", register, 201]);
      const login = await call("POST", "/api/auth/login/", { username, password: "secret123" });
      steps.push(["login", login, 200]);
      const { access, refresh } = JSON.parse(login.text) as { access: string; refresh: string };
      steps.push([
        "create",
        await call("POST", "/api/prompts", { prompt: "hola mundo", websocket: false }, access),
        201,
      ]);
      steps.push(["list without limit", await call("GET", "/api/prompts", undefined, access), 200]);
      steps.push([
        "similar without k",
        await call("GET", "/api/prompts/similar?q=hola", undefined, access),
        200,
      ]);
      steps.push(["me", await call("GET", "/api/auth/me/", undefined, access), 200]);
      steps.push(["bad body", await call("POST", "/api/prompts", { prompt: "" }, access), 400]);
      steps.push(["anonymous", await call("GET", "/api/prompts", undefined, undefined), 401]);
      steps.push(["health", await call("GET", "/healthz"), 200]);
      const refreshed = await call("POST", "/api/auth/refresh/", { refresh });
      steps.push(["refresh", refreshed, 200]);
      const rotated = (JSON.parse(refreshed.text) as { refresh: string }).refresh;
      steps.push(["logout", await call("POST", "/api/auth/logout/", { refresh: rotated }, access), 204]);
      for (const [name, result, status] of steps) {
        expect({ name, status: result.status, violations: result.violations }, result.text).toEqual({
          name,
          status,
          violations: null,
        });
      }
    }, 60_000);

    it("finds no violation in the OpenAI-compatible API's answers, errors included", async () => {
      const username = `prismv1${Date.now().toString(36)}`;
      await call("POST", "/api/auth/register/", {
        username,
        email: `${username}@example.com`,
        password: "secret123",
      });
      const login = await call("POST", "/api/auth/login/", { username, password: "secret123" });
      const { access } = JSON.parse(login.text) as { access: string };
      const ask = { model: "mock", messages: [{ role: "user", content: "hola mundo" }] };
      const steps: Array<[string, Awaited<ReturnType<typeof call>>, number]> = [
        ["models", await call("GET", "/v1/models", undefined, access), 200],
        ["model", await call("GET", "/v1/models/mock", undefined, access), 200],
        ["chat", await call("POST", "/v1/chat/completions", ask, access), 200],
        [
          // Valid by the schema (Prism refuses what is not, itself): the server's own 400, naming the param.
          "no user message",
          await call(
            "POST",
            "/v1/chat/completions",
            { model: "mock", messages: [{ role: "system", content: "hi" }] },
            access,
          ),
          400,
        ],
        ["other model", await call("POST", "/v1/chat/completions", { ...ask, model: "gpt-4o" }, access), 404],
        ["no key", await call("POST", "/v1/chat/completions", ask), 401],
        [
          "embeddings",
          await call(
            "POST",
            "/v1/embeddings",
            { model: "bundled:use-lite", input: ["hola", "mundo"] },
            access,
          ),
          200,
        ],
      ];
      for (const [name, result, status] of steps) {
        expect({ name, status: result.status, violations: result.violations }, result.text).toEqual({
          name,
          status,
          violations: null,
        });
      }
    }, 60_000);
  });
});
