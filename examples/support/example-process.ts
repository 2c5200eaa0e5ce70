import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The repository root: examples run from there, as the comment at the top of each one says. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

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
      { cwd: repoRoot, env: exampleEnv(env), timeout: timeoutMs },
    );
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`examples/${file} failed: ${(error as Error).message}\n${stdout}${stderr}`);
  }
}

export interface ExampleProcess {
  child: ChildProcess;
  /** The groups of the `ready` pattern's match. */
  ready: RegExpExecArray;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** Sends a signal (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running example (a server) and waits until its output matches `ready`. */
export async function startExample(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<ExampleProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", `examples/${file}`], {
    cwd: repoRoot,
    env: exampleEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);

  const deadline = Date.now() + timeoutMs;
  let match = ready.exec(output);
  while (!match) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`examples/${file} did not become ready (${ready}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    match = ready.exec(output);
  }
  return {
    child,
    ready: match,
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
