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
  /** Waits until the pane shows `text` (capture-pane: the screen as text, without colours). */
  const screenShows = async (text: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await tmux("capture-pane", "-p", "-t", "watch");
      if (screen.includes(text)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}" on the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { tmux, screenShows, kill: () => tmux("kill-server").catch(() => undefined) };
}

let server: TestServer;
beforeAll(async () => {
  requireTmux();
  server = await startServer();
});
afterAll(() => server?.close());

describe("prompt watch in a terminal", () => {
  it("shows an event as it happens, and quits on q", async () => {
    const home = await temporaryConfigHome();
    const user = await registerUser(server.app);
    const credentials = new Credentials({ XDG_CONFIG_HOME: home });
    await credentials.tokenStore(server.url).save({ access: user.access, refresh: user.refresh });
    await credentials.setDefaultServer(server.url);

    const { tmux, screenShows, kill } = tmuxServer(cliEnvironment(home, { TERM: "xterm-256color" }));
    try {
      // The exit status is printed after the program ends, and the pane kept, so that the test can read both.
      const command = `${PROMPT_COMMAND.map(shellQuote).join(" ")} watch; echo "exit status: $?"; sleep 60`;
      await tmux("new-session", "-d", "-s", "watch", "-x", "100", "-y", "30", command);
      await screenShows(`● connected · ${user.username} on ${server.url} · q to quit · ? for help`);

      const client = new PromptClient({ baseUrl: server.url, accessToken: user.access });
      const prompt = await client.prompts.create({ prompt: "hola desde tmux", websocket: true });
      await screenShows(
        `✓ #${prompt.id} hola desde tmux\n  [mocked-llm_response] hola desde tmux\n● connected`,
      );

      await tmux("send-keys", "-t", "watch", "q");
      await screenShows("exit status: 0");
    } finally {
      await kill();
    }
  }, 60_000);
});
