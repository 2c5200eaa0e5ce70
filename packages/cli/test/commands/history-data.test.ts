import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportRun } from "../../src/commands/export.js";
import { usageRun } from "../../src/commands/usage.js";
import { ExitCode } from "../../src/exit-codes.js";
import { temporaryConfigHome, testContext } from "../support/context.js";
import { loggedInUser } from "../support/logged-in.js";

let server: TestServer;
beforeAll(async () => {
  // A small body limit, so that importing a few prompts takes several requests.
  server = await startServer({ exportRateLimits: "100/min", bodyLimit: 2048 });
});
afterAll(() => server.close());

const today = () => new Date().toISOString().slice(0, 10);

describe("prompt usage", () => {
  it("shows a table of days with a total and the budget line on a terminal, fields in a pipe, the answer with --json", async () => {
    const { env, prompt } = await loggedInUser(server);
    await prompt(["submit", "count me"]);
    const onTerminal = await testContext({ tty: true, server: server.url, env });
    await usageRun({ days: 7 }, onTerminal.context);
    const lines = onTerminal.stdout().split("\n");
    expect(lines[0]).toMatch(/^DATE\s+PROMPTS\s+MODEL CALLS\s+REUSED\s+TOKENS$/);
    expect(lines[1]).toMatch(new RegExp(`^${today()}\\s+1\\s+1\\s+0\\s+\\d+$`));
    expect(lines[2]).toMatch(/^total\s+1\s+1\s+0\s+\d+$/);
    expect(lines[3]).toBe("Budget: none on this server");

    const piped = await prompt(["usage", "--days", "7"]);
    expect(piped.stdout).toMatch(new RegExp(`^${today()}\\t1\\t1\\t0\\t\\d+\\t\\d+\\n$`));
    expect(piped.stderr).toBe("Budget: none on this server\n");
    expect(JSON.parse((await prompt(["usage", "--json"])).stdout)).toMatchObject({
      days: [{ date: today(), prompts: 1 }],
      budget: null,
    });
    expect((await prompt(["usage", "--days", "0"])).status).toBe(ExitCode.usage);
  });
});

describe("prompt delete, export and import", () => {
  it("delete removes a prompt from history", async () => {
    const { prompt } = await loggedInUser(server);
    const kept = JSON.parse((await prompt(["--json", "submit", "keep"])).stdout) as { id: number };
    const gone = JSON.parse((await prompt(["--json", "submit", "drop"])).stdout) as { id: number };
    expect(await prompt(["delete", String(gone.id)])).toEqual({
      status: 0,
      stdout: "",
      stderr: `✓ Deleted prompt #${gone.id}\n`,
    });
    const history = JSON.parse((await prompt(["--json", "history"])).stdout) as {
      results: Array<{ id: number }>;
    };
    expect(history.results.map((item) => item.id)).toEqual([kept.id]);
    const again = await prompt(["delete", String(gone.id)]);
    expect(again.status).toBe(ExitCode.error);
    expect(again.stderr).toMatch(/not_found/);
  });

  it("export > file, then import file into another account: the same history, once", async () => {
    const alice = await loggedInUser(server);
    for (let index = 0; index < 8; index++) {
      await server.storage.prompts.insert({
        userId: alice.user.id,
        prompt: `prompt ${index} ${"x".repeat(200)}`,
        response: `answer ${index}`,
        model: "mock",
      });
    }
    const exported = await alice.prompt(["export"]);
    expect(exported.status).toBe(0);
    expect(exported.stderr).toBe("exported 8 prompts\n"); // no progress line: stderr is no terminal
    const lines = exported.stdout.trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line).response)).toEqual(
      Array.from({ length: 8 }, (_, index) => `answer ${index}`),
    );
    const file = join(await temporaryConfigHome(), "mine.ndjson");
    await writeFile(file, exported.stdout);

    const bob = await loggedInUser(server);
    expect(await bob.prompt(["--json", "import", file])).toMatchObject({
      status: 0,
      stdout: `${JSON.stringify({ imported: 8, skipped: 0 }, null, 2)}\n`,
    });
    expect(await bob.prompt(["import", "-"], { stdin: exported.stdout })).toEqual({
      status: 0,
      stdout: "",
      stderr: `✓ Imported 0 prompts to ${server.url}; skipped 8 you already had\n`,
    });
    const copied = JSON.parse((await bob.prompt(["--json", "history"])).stdout) as { results: unknown[] };
    expect(copied.results).toHaveLength(8);
  });

  it("export shows its progress on a terminal's stderr", async () => {
    const { env, user } = await loggedInUser(server);
    await server.storage.prompts.insert({ userId: user.id, prompt: "one", response: "r", model: "mock" });
    const run = await testContext({ tty: true, server: server.url, env });
    await exportRun(run.context);
    expect(run.stderr()).toBe("\rexported 1 prompts\n");
    expect(JSON.parse(run.stdout())).toMatchObject({ prompt: "one" });
  });

  it("import names a bad line by its line in the file, and a missing file", async () => {
    const { prompt } = await loggedInUser(server);
    const good = JSON.stringify({ prompt: "p", response: "r", created_at: "2024-01-01T00:00:00.000Z" });
    const bad = JSON.stringify({ prompt: "q", response: "r", created_at: "not a date" });
    const refused = await prompt(["import", "-"], { stdin: `${good}\n\n${bad}\n` });
    expect(refused.status).toBe(ExitCode.error);
    expect(refused.stderr).toMatch(/^prompt: line 3: created_at: /);
    const missing = await prompt(["import", "/nonexistent/mine.ndjson"]);
    expect(missing).toMatchObject({
      status: ExitCode.error,
      stderr: "prompt: cannot read /nonexistent/mine.ndjson: ENOENT\n",
    });
  });
});
