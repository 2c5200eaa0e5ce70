import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { Credentials } from "../../src/config/credentials.js";
import { cliEnvironment, runPrompt, spawnPrompt } from "../support/cli-process.js";
import { temporaryConfigHome } from "../support/context.js";
import { waitFor } from "../support/wait-for.js";

describe("prompt serve", () => {
  it("runs the server as npm start does, flags over the environment, and stops gracefully on SIGTERM", async () => {
    const home = await temporaryConfigHome();
    const env = cliEnvironment(home, { PORT: "8000", HOST: "127.0.0.1", LOG_LEVEL: "warn" });
    const child = spawnPrompt(
      ["serve", "--port", "0", "--data-dir", `${home}/data`, "--log-level", "info"],
      env,
    );
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    try {
      await waitFor(
        () => /Server listening at http:\/\/127\.0\.0\.1:\d+/.test(output),
        60_000,
        () => output,
      );
      const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] as string;
      expect(url).not.toBe("http://127.0.0.1:8000");
      const response = await fetch(`${url}/api/prompts`);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: "not_authenticated" });
    } finally {
      child.kill("SIGTERM");
    }
    const [status] = await once(child, "exit");
    expect(status).toBe(0);
    expect(output).toMatch(/"msg":"shutting down"/);
  }, 90_000);

  it("exits 2 naming the variable of a bad value", async () => {
    const home = await temporaryConfigHome();
    const result = await runPrompt(
      ["serve", "--data-dir", `${home}/data`, "--prompt-rate-limits", "lots"],
      cliEnvironment(home),
    );
    expect(result).toEqual({
      status: 2,
      stdout: "",
      stderr: expect.stringMatching(
        /^prompt: invalid configuration: PROMPT_RATE_LIMITS has an invalid limit "lots".*\n$/,
      ),
    });
  }, 30_000);

  it("reads no credentials: a damaged credentials file does not stop it", async () => {
    const home = await temporaryConfigHome();
    const { path } = new Credentials({ XDG_CONFIG_HOME: home });
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, "{ not json");
    const result = await runPrompt(
      ["serve", "--data-dir", `${home}/data`, "--prompt-rate-limits", "lots"],
      cliEnvironment(home),
    );
    expect(result.stderr).toMatch(/^prompt: invalid configuration: PROMPT_RATE_LIMITS/);
  }, 30_000);
});
