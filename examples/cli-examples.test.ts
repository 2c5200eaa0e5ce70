import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

let server: TestServer;
let home: string;
beforeAll(async () => {
  // Throttled as `npm start` is, so that the examples show what a user gets.
  server = await startServer({ promptRateLimits: "1/s,10/min" });
  home = await mkdtemp(join(tmpdir(), "prompt-cli-example-"));
  // `prompt` on the PATH, run from source as a developer would with `npm link`.
  await writeFile(
    join(home, "prompt"),
    `#!/bin/sh\nexec "${process.execPath}" --import tsx "${repoRoot}packages/cli/src/bin.ts" "$@"\n`,
  );
  await chmod(join(home, "prompt"), 0o755);
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

/** Runs an example script as a user would, with a config directory of its own (never the real ~/.config). */
async function runExample(file: string): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)("bash", [`examples/${file}`], {
    cwd: repoRoot,
    env: {
      PATH: `${home}:${process.env.PATH ?? ""}`,
      HOME: home,
      XDG_CONFIG_HOME: home,
      TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json"),
      PROMPT_SERVER: server.url,
    },
    timeout: 60_000,
  });
}

describe("CLI examples", () => {
  it("cli-quickstart.sh does the README's flow with prompt", async () => {
    const { stdout, stderr } = await runExample("cli-quickstart.sh");
    const user = /^(alice_\d+)$/m.exec(stdout)?.[1];
    expect(user).toBeDefined();
    expect(stdout).toMatch(/^\[mocked-llm_response\] hola mundo$/m);
    expect(stdout).toMatch(/^\[mocked-llm_response\] what is the weather like today$/m);
    expect(stdout).toMatch(
      /^similar to "hola":\n\d\.\d{3}\t\d+\thola mundo\t\[mocked-llm_response\] hola mundo$/m,
    );
    expect(stdout).toMatch(
      /^history:\n\d+\t\S+\twhat is the weather like today\t.+\n\d+\t\S+\thola mundo\t.+$/m,
    );
    expect(stderr).toBe(
      [
        `✓ Registered ${user} on ${server.url}; log in with: prompt login --username ${user}`,
        `✓ Logged in to ${server.url} as ${user}`,
        `✓ Logged out of ${server.url}`,
        "",
      ].join("\n"),
    );
  });
});
