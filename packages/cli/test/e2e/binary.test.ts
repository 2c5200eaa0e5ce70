import { stat } from "node:fs/promises";
import { join } from "node:path";
import { PromptClient } from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnvironment, runPrompt, spawnPrompt } from "../support/cli-process.js";
import { temporaryConfigHome } from "../support/context.js";
import { waitFor } from "../support/wait-for.js";

let server: TestServer;
beforeAll(async () => {
  // Throttled, so that a second prompt is refused as a user's would be: over five seconds, as starting the
  // program takes about one.
  server = await startServer({ promptRateLimits: "1/5s,10/min" });
});
afterAll(() => server.close());

const ok = (stdout: string, stderr = "") => ({ status: 0, stdout, stderr });

describe("the prompt binary against a real server", () => {
  it("does the README's flow: register, login, submit, search --json, watch as NDJSON, logout", async () => {
    const home = await temporaryConfigHome();
    const env = cliEnvironment(home);
    const url = server.url;
    const username = `cli_${Date.now().toString(36)}`;

    expect(
      await runPrompt(
        [
          "--server",
          url,
          "register",
          "--username",
          username,
          "--email",
          `${username}@example.com`,
          "--password-stdin",
        ],
        env,
        "secret123\n",
      ),
    ).toEqual(
      ok("", `✓ Registered ${username} on ${url}; log in with: prompt login --username ${username}\n`),
    );

    // Logging in makes the server the default: no --server from here on.
    expect(
      await runPrompt(
        ["--server", url, "login", "--username", username, "--password-stdin"],
        env,
        "secret123\n",
      ),
    ).toEqual(ok("", `✓ Logged in to ${url} as ${username}\n`));
    const credentials = join(home, "prompt-service", "credentials.json");
    expect((await stat(credentials)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "prompt-service"))).mode & 0o777).toBe(0o700);

    expect(await runPrompt(["whoami"], env)).toEqual(ok(`${username}\n`));
    expect(await runPrompt(["submit", "hola mundo"], env)).toEqual(ok("[mocked-llm_response] hola mundo\n"));
    const throttleEnds = Date.now() + 5_000;

    const throttled = await runPrompt(["submit", "otra vez"], env);
    expect(throttled).toEqual({
      status: 4,
      stdout: "",
      stderr: expect.stringMatching(
        new RegExp(`^prompt: throttled by ${url}: try again in \\d+ seconds?\\n$`),
      ),
    });

    const search = await runPrompt(["search", "hola", "--json", "-k", "3"], env);
    expect(search.status).toBe(0);
    expect(JSON.parse(search.stdout)).toEqual({
      query: "hola",
      results: [
        expect.objectContaining({ prompt: "hola mundo", response: "[mocked-llm_response] hola mundo" }),
      ],
    });

    // watch off a terminal: NDJSON on stdout, and only that.
    const watch = spawnPrompt(["watch"], env);
    let watched = "";
    let watchStatus = "";
    watch.stdout?.on("data", (chunk) => {
      watched += chunk;
    });
    watch.stderr?.on("data", (chunk) => {
      watchStatus += chunk;
    });
    await waitFor(() => watchStatus.includes(`watching ${username} on ${url}`), 20_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, throttleEnds - Date.now())));
    expect(await runPrompt(["submit", "--ws", "mírame"], env)).toEqual(ok("[mocked-llm_response] mírame\n"));
    await waitFor(() => watched.includes('"prompt_completed"'), 10_000);
    const exited = new Promise((resolve) => watch.once("close", resolve));
    watch.kill("SIGINT");
    expect(await exited).toBe(0);
    const events = watched
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({
      type: "prompt.message",
      event: "prompt_completed",
      data: { prompt: "mírame" },
    });
    expect(events[0]).toMatchObject({ type: "prompt.start", data: { prompt: "mírame" } });
    expect(events.slice(1, -1).every((event) => event.type === "prompt.delta")).toBe(true);
    expect(
      events
        .slice(1, -1)
        .map((event) => event.data.delta)
        .join(""),
    ).toBe("[mocked-llm_response] mírame");

    const history = await runPrompt(["history", "--json"], env);
    expect(JSON.parse(history.stdout).results.map((prompt: { prompt: string }) => prompt.prompt)).toEqual([
      "mírame",
      "hola mundo",
    ]);

    expect(await runPrompt(["logout"], env)).toEqual(ok("", `✓ Logged out of ${url}\n`));
    expect(await runPrompt(["whoami"], env)).toEqual({
      status: 3,
      stdout: "",
      stderr: `prompt: not logged in to ${url}: run \`prompt login\`\n`,
    });
  }, 90_000);

  it("exits 3 on a wrong password, and saves no session", async () => {
    const home = await temporaryConfigHome();
    const client = new PromptClient({ baseUrl: server.url });
    const username = `cli_${Date.now().toString(36)}_w`;
    await client.auth.register({ username, email: `${username}@example.com`, password: "secret123" });
    const env = cliEnvironment(home, { PROMPT_SERVER: server.url });
    expect(
      await runPrompt(["login", "--username", username, "--password-stdin"], env, "wrong-password\n"),
    ).toEqual({
      status: 3,
      stdout: "",
      stderr: "prompt: wrong username or password\n",
    });
    await expect(stat(join(home, "prompt-service", "credentials.json"))).rejects.toMatchObject({
      code: "ENOENT",
    });
  }, 30_000);

  it("uses PROMPT_TOKEN over any stored session", async () => {
    const home = await temporaryConfigHome();
    const client = new PromptClient({ baseUrl: server.url });
    const username = `cli_${Date.now().toString(36)}_t`;
    await client.auth.register({ username, email: `${username}@example.com`, password: "secret123" });
    const { access } = await client.auth.login({ username, password: "secret123" });
    const env = cliEnvironment(home, { PROMPT_SERVER: server.url, PROMPT_TOKEN: access });
    expect(await runPrompt(["whoami"], env)).toEqual(ok(`${username}\n`));
  }, 30_000);
});
