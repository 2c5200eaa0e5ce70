/**
 * The documentation a newcomer starts from: the root README's quick start, configuration and error tables agree
 * with the code, its curl examples run against a real server, its links lead somewhere, and every package and
 * example it points to is there (and every example is run by a test).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ERROR_CODES, SETTINGS } from "@prompt-service/server";
import { createPrompt, registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeResult, repoRoot, run } from "./release-helpers.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const readme = read("README.md");

/** The text of a `## heading` section, up to the next heading of the same level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (match) => match[1] as string,
  );
}

/** Rows of the first Markdown table whose header starts with `firstColumn`, as arrays of cells. */
function table(markdown: string, firstColumn: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => new RegExp(`^\\|\\s*${firstColumn}\\s*\\|`).test(line));
  if (start < 0) throw new Error(`no table with a "${firstColumn}" column`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/\|(?=(?:[^`]*`[^`]*`)*[^`]*$)/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe("README.md", () => {
  it("starts in exactly two commands: `npm ci && npm start`, then `npm test`", () => {
    const [block] = codeBlocks(section(readme, "Quick start"), "bash");
    const commands = (block ?? "")
      .split("\n")
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter(Boolean);
    expect(commands).toEqual(["npm ci && npm start", "npm test"]);
  });

  it("has the sections a newcomer and an operator look for", () => {
    for (const heading of [
      "Quick start",
      "Architecture",
      "The API",
      "The WebSocket protocol",
      "Configuration",
      "Mounting the plugin in your own Fastify app",
      "Examples",
      "Docker Compose",
      "Scaling out",
      "Deployment plan",
      "Releases",
    ]) {
      section(readme, heading);
    }
    expect(codeBlocks(section(readme, "Architecture"), "mermaid").length).toBeGreaterThan(0);
    const plan = section(readme, "Deployment plan");
    for (const topic of ["Container service", "PostgreSQL", "Redis", "Secrets", "Logs", "Metrics", "CI/CD"]) {
      expect(plan).toContain(topic);
    }
  });

  it("documents every setting with its default, and no other", () => {
    const rows = table(section(readme, "Configuration"), "variable");
    const documented = rows.flatMap((row) =>
      [...(row[0] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => ({
        variable: match[1] as string,
        defaults: row[1] ?? "",
      })),
    );
    expect(documented.map(({ variable }) => variable).sort()).toEqual(SETTINGS.map(({ env }) => env).sort());
    for (const setting of SETTINGS) {
      const shown = "shownDefault" in setting ? setting.shownDefault : String(setting.default);
      const cell = documented.find(({ variable }) => variable === setting.env)?.defaults ?? "";
      // The README may say more (`unset: embedded PGlite in `DATA_DIR``), in its own words around code spans.
      const words = (text: string) => text.replace(/[`*]/g, "").toLowerCase();
      expect(words(cell), `README's default of ${setting.env}`).toContain(words(shown));
    }
  });

  it("lists every error code with its status, and no other", () => {
    const rows = table(section(readme, "The API"), "status");
    const documented = rows.map((row) => [row[1]?.replace(/`/g, ""), Number(row[0])]);
    const actual = Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]);
    expect(
      documented.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      "README's error table",
    ).toEqual(actual.sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it("keeps the original service's curl commands verbatim", () => {
    const seed = [
      "curl -X POST http://localhost:8000/api/auth/register/ \\\n  -H 'Content-Type: application/json' \\\n" +
        `  -d '{"username":"alice","email":"a@b.c","password":"secret123"}'`,
      "ACCESS=$(curl -s -X POST http://localhost:8000/api/auth/login/ \\\n  -H 'Content-Type: application/json' \\\n" +
        `  -d '{"username":"alice","password":"secret123"}' | jq -r .access)`,
      "curl -X POST http://localhost:8000/api/prompts \\\n" +
        `  -H "Authorization: Bearer $ACCESS" -H 'Content-Type: application/json' \\\n` +
        `  -d '{"prompt":"hola mundo","websocket":false}'`,
      `curl -H "Authorization: Bearer $ACCESS" \\\n  'http://localhost:8000/api/prompts/similar?q=hola&k=3'`,
    ];
    for (const command of seed) expect(readme).toContain(command);
  });

  it("links only to files and sections that exist", () => {
    for (const file of ["README.md", "packages/server/README.md"]) {
      const markdown = read(file);
      const headings = new Set(
        [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
          (match[1] as string)
            .toLowerCase()
            .replace(/[^\w\- ]/g, "")
            .replace(/ /g, "-"),
        ),
      );
      const prose = markdown.replace(/```[\s\S]*?```/g, "");
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = target as string;
        if (/^(https?|mailto):/.test(link)) continue;
        if (link.startsWith("#")) {
          expect(headings, `${file}: ${link}`).toContain(link.slice(1));
          continue;
        }
        expect(
          existsSync(join(repoRoot, dirname(file), link.split("#")[0] as string)),
          `${file}: ${link}`,
        ).toBe(true);
      }
    }
  });
});

describe("the original service's curl examples, run as the README shows them", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("register, log in, create a prompt and find it", async () => {
    const tools = await run("sh", ["-c", "command -v curl && command -v jq"], { cwd: repoRoot });
    if (tools.code !== 0) throw new Error("curl and jq are needed: apt-get install -y curl jq");
    const block = codeBlocks(section(readme, "The API"), "bash").find((code) =>
      code.includes("jq -r .access"),
    );
    expect(block).toBeDefined();
    // The same commands, pointed at this test's server instead of `npm start`'s port 8000.
    const script = (block as string).replaceAll("http://localhost:8000", server.url);
    const result = await run("bash", ["-euo", "pipefail", "-c", script], {
      cwd: repoRoot,
      timeoutMs: 60_000,
    });
    expect(result.code, describeResult(result)).toBe(0);
    const [registered, created, similar] = result.stdout
      .trim()
      .split(/\n|(?<=\})(?=\{)/)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(registered).toEqual({ id: expect.any(Number), username: "alice", email: "a@b.c" });
    expect(created).toMatchObject({ prompt: "hola mundo", response: "[mocked-llm_response] hola mundo" });
    expect(similar).toMatchObject({
      query: "hola",
      results: [{ id: created?.id, score: expect.any(Number) }],
    });
  });
});

describe("the OpenAI-compatible API's curl examples, run as the README shows them", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("list the models, complete a chat, stream it with its usage and embed two texts", async () => {
    const user = await registerUser(server.app);
    const [first, second] = codeBlocks(section(readme, "The OpenAI-compatible API"), "bash").map((code) =>
      code.replaceAll("http://localhost:8000", server.url),
    );
    const runBlock = async (script: string | undefined) => {
      const result = await run("bash", ["-euo", "pipefail", "-c", script ?? "false"], {
        cwd: repoRoot,
        env: { ...process.env, ACCESS: user.access },
        timeoutMs: 60_000,
      });
      expect(result.code, describeResult(result)).toBe(0);
      return result.stdout;
    };
    const [models, completion] = (await runBlock(first))
      .trim()
      .split(/(?<=\})(?=\{)/)
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(models).toMatchObject({ object: "list", data: [{ id: "mock" }, { id: "bundled:use-lite" }] });
    expect(completion).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { content: "[mocked-llm_response] hola mundo" } }],
      usage: { total_tokens: expect.any(Number) },
    });
    const streamed = await runBlock(second);
    const events = [...streamed.matchAll(/^data: (.*)$/gm)].map((match) => match[1] as string);
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as { usage?: unknown });
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: expect.any(Number) });
    const embeddings = JSON.parse(streamed.slice(streamed.lastIndexOf("data: [DONE]") + 12).trim());
    expect(embeddings).toMatchObject({
      object: "list",
      model: "bundled:use-lite",
      data: [{ index: 0 }, { index: 1 }],
    });
  });
});

describe("the README's curl examples of API keys, export and import, run as it shows them", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  const blocks = () =>
    codeBlocks(section(readme, "The API"), "bash").map((code) =>
      code.replaceAll("http://localhost:8000", server.url),
    );

  it("create a key and act with it; export one account's history and import it into another", async () => {
    const user = await registerUser(server.app);
    const other = await registerUser(server.app);
    const keyBlock = blocks().find((code) => code.includes("/api/keys"));
    const dataBlock = blocks().find((code) => code.includes("/api/prompts/export"));
    expect(keyBlock && dataBlock).toBeDefined();
    const work = await mkdtemp(join(tmpdir(), "readme-curl-"));
    try {
      const env = { ...process.env, ACCESS: user.access, OTHER: other.access };
      const keyed = await run("bash", ["-euo", "pipefail", "-c", keyBlock as string], {
        cwd: work,
        env,
        timeoutMs: 60_000,
      });
      expect(keyed.code, describeResult(keyed)).toBe(0);
      expect(JSON.parse(keyed.stdout)).toEqual({
        id: user.id,
        username: user.username,
        email: expect.any(String),
      });

      await createPrompt(server.app, user, "exported through curl");
      const moved = await run("bash", ["-euo", "pipefail", "-c", dataBlock as string], {
        cwd: work,
        env,
        timeoutMs: 60_000,
      });
      expect(moved.code, describeResult(moved)).toBe(0);
      expect(JSON.parse(moved.stdout)).toEqual({ imported: 1, skipped: 0 });
      const history = await server.app.inject({ method: "GET", url: "/api/prompts", headers: other.headers });
      expect(history.json().results.map((prompt: { prompt: string }) => prompt.prompt)).toEqual([
        "exported through curl",
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe("packages and examples", () => {
  it("each public package has a README and the MIT LICENSE, as the repository does", () => {
    expect(read("LICENSE")).toMatch(/^MIT License\n/);
    for (const dir of ["server", "sdk", "cli"]) {
      expect(existsSync(join(repoRoot, "packages", dir, "README.md")), `packages/${dir}/README.md`).toBe(
        true,
      );
      expect(existsSync(join(repoRoot, "packages", dir, "LICENSE")), `packages/${dir}/LICENSE`).toBe(true);
      expect(read(`packages/${dir}/LICENSE`)).toMatch(/^MIT License\n/);
    }
  });

  it("every example is run by a test", () => {
    const files = readdirSync(join(repoRoot, "examples"));
    const tests = files.filter((file) => file.endsWith(".test.ts")).map((file) => read(`examples/${file}`));
    const examples = files.filter((file) => /\.(ts|js|mjs|sh)$/.test(file) && !file.endsWith(".test.ts"));
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(
        tests.some((test) => new RegExp(`["'/\`]${example.replace(/\./g, "\\.")}["'\`]`).test(test)),
        `examples/${example} is not run by any examples/*.test.ts`,
      ).toBe(true);
    }
  });
});
