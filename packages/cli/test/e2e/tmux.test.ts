import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { PromptClient } from "@prompt-service/sdk";
import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, it } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { cliEnvironment, PROMPT_COMMAND } from "../support/cli-process.js";
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
  const screen = () => tmux("capture-pane", "-p", "-t", "watch");
  /** Waits until the pane shows `text` (capture-pane: the screen as text, without colours). */
  const screenShows = async (text: string | RegExp, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await screen();
      if (typeof text === "string" ? shown.includes(text) : text.test(shown)) return shown;
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}" on the screen:\n${shown}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** Presses keys in the pane, by tmux's names for them (Up, PPage, Home…). */
  const press = (...keys: string[]) => tmux("send-keys", "-t", "watch", ...keys);
  return { tmux, screenShows, press, kill: () => tmux("kill-server").catch(() => undefined) };
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

    const { tmux, screenShows, press, kill } = tmuxServer(cliEnvironment(home, { TERM: "xterm-256color" }));
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
