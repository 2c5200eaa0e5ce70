import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The README's promise: after `npm ci` in a clone, `npx prompt --help` is this repository's CLI. */
it("answers npx prompt --help in the clone with this CLI, not the registry's package of that name", async () => {
  const { stdout } = await promisify(execFile)("npx", ["--no-install", "prompt", "--help"], {
    cwd: ROOT,
    timeout: 60_000,
  });
  expect(stdout).toMatch(/^Usage: prompt \[options\] \[command\]/);
  expect(stdout).toContain("submit");
}, 60_000);
