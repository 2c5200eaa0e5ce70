import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { PromptClient } from "@prompt-service/sdk";
import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { cliEnvironment, PROMPT_COMMAND, REPO_ROOT } from "../support/cli-process.js";
import { temporaryConfigHome } from "../support/context.js";

/** Fails, never skips, where tmux is missing: the TUI would go untested. */
function requireTmux(): void {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "tmux is not installed, and this test drives `prompt watch` in it: apt-get install -y tmux",
    );
  }
}

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** A tmux server of this test's own (its own socket), so that it never touches anyone's sessions. */
function tmuxServer(env: Record<string, string>) {
  const socket = `prompt-cli-test-${randomBytes(4).toString("hex")}`;
  const tmux = async (...args: string[]) =>
    (await promisify(execFile)("tmux", ["-L", socket, ...args], { env })).stdout;
  /** The pane's screen, as text without colours. */
  const screen = (target: string) => tmux("capture-pane", "-p", "-t", target);
  /** Waits until `target`'s pane shows `text` (`times` times, for a question asked again). */
  const paneShows = async (target: string, text: string | RegExp, { times = 1, timeoutMs = 20_000 } = {}) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await screen(target);
      const count =
        typeof text === "string"
          ? shown.split(text).length - 1
          : (shown.match(new RegExp(text, `${text.flags.replace("g", "")}g`)) ?? []).length;
      if (count >= times) return shown;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for "${text}" in pane ${target}:\n${shown}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** Presses keys in a pane, by tmux's names for them (Up, PPage, Home, Enter…), or types text with `-l`. */
  const press = (target: string, ...keys: string[]) => tmux("send-keys", "-t", target, ...keys);
  const type = (target: string, line: string) => press(target, "-l", line).then(() => press(target, "Enter"));
  return { tmux, paneShows, press, type, kill: () => tmux("kill-server").catch(() => undefined) };
}

let server: TestServer;
beforeAll(async () => {
  requireTmux();
  server = await startServer();
});
afterAll(() => server?.close());

describe("prompt watch in a terminal", () => {
  it("shows events as they happen with their times, scrolls back through them, and quits on q", async () => {
    const home = await temporaryConfigHome();
    const user = await registerUser(server.app);
    const credentials = new Credentials({ XDG_CONFIG_HOME: home });
    await credentials.tokenStore(server.url).save({ access: user.access, refresh: user.refresh });
    await credentials.setDefaultServer(server.url);

    const {
      tmux,
      paneShows,
      press: pressIn,
      kill,
    } = tmuxServer(cliEnvironment(home, { TERM: "xterm-256color" }));
    const screenShows = (text: string | RegExp) => paneShows("watch", text);
    const press = (...keys: string[]) => pressIn("watch", ...keys);
    try {
      // The exit status is printed after the program ends, and the pane kept, so that the test can read both.
      // 12 lines: 10 for the feed, fewer than the prompts below take.
      const command = `${PROMPT_COMMAND.map(shellQuote).join(" ")} watch; echo "exit status: $?"; sleep 60`;
      await tmux("new-session", "-d", "-s", "watch", "-x", "100", "-y", "12", command);
      await screenShows(`● connected · ${user.username} on ${server.url} · q to quit · ? for help`);

      const client = new PromptClient({ baseUrl: server.url, accessToken: user.access });
      const ask = (text: string) => client.prompts.create({ prompt: text, websocket: true });
      const first = await ask("hola desde tmux");
      await screenShows(
        new RegExp(
          `✓ #${first.id} hola desde tmux\n  asked \\d\\d:\\d\\d:\\d\\d · answered \\d\\d:\\d\\d:\\d\\d\n` +
            "  \\[mocked-llm_response\\] hola desde tmux\n● connected",
        ),
      );

      for (const text of ["dos", "tres", "cuatro"]) await ask(text);
      await screenShows("  [mocked-llm_response] cuatro\n● connected");

      press("Home");
      await screenShows(
        new RegExp(`^✓ #${first.id} hola desde tmux\n(.*\n){8}↓ more below · End to follow\n`),
      );
      const late = await ask("cinco");
      await screenShows(
        new RegExp(`^✓ #${first.id} hola desde tmux\n(.*\n){8}↓ 1 new prompt below · End to follow\n`),
      );

      press("End");
      await screenShows(`✓ #${late.id} cinco\n`);
      press("PPage");
      await screenShows("↓ more below · End to follow");
      press("G");
      await screenShows("  [mocked-llm_response] cinco\n● connected");

      press("q");
      await screenShows("exit status: 0");
    } finally {
      await kill();
    }
  }, 60_000);
});

/** The `npx prompt …` lines of the root README's quick start, as a reader copies them. */
function quickStartLines(): string[] {
  const readme = readFileSync(`${REPO_ROOT}README.md`, "utf8");
  const section = readme.slice(
    readme.indexOf("## Quick start"),
    readme.indexOf("\n## ", readme.indexOf("## Quick start") + 1),
  );
  return section.split("\n").filter((line) => line.startsWith("npx prompt "));
}

describe("the README's quick start", () => {
  it("works line by line in a terminal: register, log in, submit, stream, and watch in another terminal", async () => {
    const lines = quickStartLines();
    expect(lines.map((line) => line.split(/\s+/).slice(0, 3).join(" "))).toEqual([
      "npx prompt register",
      "npx prompt login",
      "npx prompt submit",
      "npx prompt submit",
      "npx prompt watch",
    ]);
    const [register, login, submit, stream, watch] = lines as [string, string, string, string, string];

    const home = await temporaryConfigHome();
    // The README's server is `npm start`'s: here the test's, named by the environment, not by the lines.
    const env = cliEnvironment(home, { TERM: "xterm-256color", PROMPT_SERVER: server.url, PS1: "$ " });
    const { tmux, paneShows, type, kill } = tmuxServer(env);
    // `npx prompt` of the clone, run from its sources (no build needed): what `npx` finds after `npm ci`.
    const npx = `npx() { if [ "$1" = prompt ]; then shift; ${PROMPT_COMMAND.map(shellQuote).join(" ")} "$@"; fi; }`;
    const shell = async (name: string) => {
      await tmux("new-session", "-d", "-s", name, "-x", "110", "-y", "40", "bash --norc --noprofile");
      await type(name, npx);
    };
    try {
      await shell("cli");
      const username = `quick_${randomBytes(3).toString("hex")}`;
      /** Types each answer once the question is on screen (`times`: how often it was asked by then). */
      const answer = async (questions: Array<[string, string, number]>) => {
        for (const [question, reply, times] of questions) {
          await paneShows("cli", new RegExp(`${question}\\s*$`, "m"), { times });
          await type("cli", reply);
        }
      };

      await type("cli", register);
      await answer([
        ["Username:", username, 1],
        ["Email:", `${username}@example.com`, 1],
        ["Password:", "secret123", 1],
        ["Password again:", "secret123", 1],
      ]);
      await paneShows("cli", `✓ Registered ${username} on ${server.url}`);

      await type("cli", login);
      await answer([
        ["Username:", username, 1],
        ["Password:", "secret123", 2],
      ]);
      const loggedIn = await paneShows("cli", `✓ Logged in to ${server.url} as ${username}`);
      expect(loggedIn).not.toContain("secret123"); // the password was never echoed

      await type("cli", submit);
      await paneShows("cli", /^\[mocked-llm_response\] hola mundo$/m);
      await type("cli", stream);
      await paneShows("cli", /^\[mocked-llm_response\] tell me a story$/m);

      // The second terminal: watch opens with the prompts sent before it started…
      await shell("watch");
      await type("watch", watch);
      await paneShows("watch", /✓ #\d+ hola mundo\n(.*\n)+✓ #\d+ tell me a story\n(.*\n)+● connected/);
      // …and shows the next one from the first terminal as it is answered.
      await type("cli", 'npx prompt submit "y ahora desde el otro terminal"');
      await paneShows("watch", /✓ #\d+ y ahora desde el otro terminal\n(.*\n)+● connected/);
    } finally {
      await kill();
    }
  }, 90_000);
});
