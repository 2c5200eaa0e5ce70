import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keysCreateRun } from "../../src/commands/keys/create.js";
import { ExitCode } from "../../src/exit-codes.js";
import { testContext } from "../support/context.js";
import { loggedInUser } from "../support/logged-in.js";
import { runCli } from "../support/run-cli.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("prompt keys", () => {
  it("create prints the key alone in a pipe, and every command then works with it as PROMPT_API_KEY", async () => {
    const { user, prompt } = await loggedInUser(server);
    const created = await prompt(["keys", "create", "--name", "ci"]);
    expect(created).toMatchObject({ status: 0, stderr: "" });
    const key = created.stdout.trim();
    expect(key).toMatch(/^ps_[0-9a-f]{64}$/);

    // No saved session at all: the key alone, as a CI job has it.
    const ci = { PROMPT_API_KEY: key };
    expect(await runCli(["--server", server.url, "whoami"], { env: ci })).toEqual({
      status: 0,
      stdout: `${user.username}\n`,
      stderr: "",
    });
    const submitted = await runCli(["--server", server.url, "submit", "from ci"], { env: ci });
    expect(submitted).toMatchObject({ status: 0, stdout: "[mocked-llm_response] from ci\n" });
  });

  it("PROMPT_API_KEY wins over the saved session", async () => {
    const alice = await loggedInUser(server);
    const bob = await loggedInUser(server);
    const key = (await bob.prompt(["keys", "create", "--name", "bob's"])).stdout.trim();
    const asAlice = await alice.prompt(["whoami"], { env: { PROMPT_API_KEY: key } });
    expect(asAlice.stdout).toBe(`${bob.user.username}\n`);
  });

  it("create warns on a terminal that the key will not be shown again, and --json prints the whole answer", async () => {
    const { env } = await loggedInUser(server);
    const onTerminal = await testContext({ tty: true, server: server.url, env });
    await keysCreateRun({ name: "laptop", expires: "30d" }, onTerminal.context);
    expect(onTerminal.stdout()).toMatch(/^ps_[0-9a-f]{64}\n$/);
    expect(onTerminal.stderr()).toMatch(
      /^✓ Created API key #\d+ "laptop" for .+ \(expires \d{4}-\d\d-\d\dT.+\)\n/,
    );
    expect(onTerminal.stderr()).toContain("it will not be shown again");

    const asJson = await testContext({ json: true, server: server.url, env });
    await keysCreateRun({ name: "script" }, asJson.context);
    expect(JSON.parse(asJson.stdout())).toMatchObject({
      name: "script",
      key: expect.stringMatching(/^ps_/),
      expires_at: null,
    });
  });

  it("list shows names and prefixes, never keys; revoke stops the key at once", async () => {
    const { prompt } = await loggedInUser(server);
    const key = (await prompt(["keys", "create", "--name", "deploy bot"])).stdout.trim();
    const listed = await prompt(["keys", "list"]);
    expect(listed.status).toBe(0);
    const [id, name, prefix, created, expires, lastUsed] = listed.stdout.replace(/\n$/, "").split("\t");
    expect({ name, expires, lastUsed }).toEqual({ name: "deploy bot", expires: "", lastUsed: "" });
    expect(key.startsWith(prefix as string)).toBe(true);
    expect(listed.stdout).not.toContain(key);
    expect(Date.parse(created as string)).not.toBeNaN();
    expect(JSON.parse((await prompt(["--json", "keys", "list"])).stdout).results).toHaveLength(1);

    expect(await prompt(["keys", "revoke", id as string])).toMatchObject({
      status: 0,
      stderr: expect.stringContaining(`Revoked API key #${id}`),
    });
    const refused = await runCli(["--server", server.url, "whoami"], { env: { PROMPT_API_KEY: key } });
    expect(refused.status).toBe(ExitCode.authentication);
    expect(refused.stderr).toMatch(/expired or was revoked/);
  });

  it("fail at once with only a key, saying to log in", async () => {
    const { prompt } = await loggedInUser(server);
    const key = (await prompt(["keys", "create", "--name", "ci"])).stdout.trim();
    const listed = await runCli(["--server", server.url, "keys", "list"], { env: { PROMPT_API_KEY: key } });
    expect(listed).toEqual({
      status: ExitCode.authentication,
      stdout: "",
      stderr: `prompt: listing API keys needs a session on ${server.url} (an API key, as in PROMPT_API_KEY, cannot): run \`prompt login\`\n`,
    });
  });

  it("name a bad option as the command line does", async () => {
    const { prompt } = await loggedInUser(server);
    const refused = await prompt(["keys", "create", "--name", "x", "--expires", "soon"]);
    expect(refused.status).toBe(ExitCode.error);
    expect(refused.stderr).toMatch(/^prompt: --expires: /);
    expect((await prompt(["keys", "create"])).status).toBe(ExitCode.usage);
  });
});
