import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPOSITORY_ROOT, spawnTypeScript, type TypeScriptProcess } from "@prompt-service/testkit";

/**
 * The environment an example sees: the test's, without a session token that could leak in from the developer's
 * shell, plus `env`.
 */
function exampleEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PROMPT_TOKEN: _ignored, ...inherited } = process.env;
  return { ...inherited, ...env };
}

/**
 * Runs an example to completion as a user would (`npx tsx examples/<file>`; tsx resolves the packages to their
 * sources through the tsconfig paths) and returns what it printed. Fails with its output when it exits non-zero.
 */
export async function runExample(
  file: string,
  env: Record<string, string>,
  args: string[] = [],
  timeoutMs = 60_000,
): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", `examples/${file}`, ...args],
      { cwd: REPOSITORY_ROOT, env: exampleEnv(env), timeout: timeoutMs },
    );
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`examples/${file} failed: ${(error as Error).message}\n${stdout}${stderr}`);
  }
}

export interface ExampleProcess extends TypeScriptProcess {
  /** The groups of the `ready` pattern's match. */
  ready: RegExpExecArray;
}

/** Starts a long-running example (a server) and waits until its output matches `ready`. */
export async function startExample(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<ExampleProcess> {
  const example = spawnTypeScript(`examples/${file}`, { env: exampleEnv(env) });
  return { ...example, ready: await example.waitFor(ready, timeoutMs) };
}
