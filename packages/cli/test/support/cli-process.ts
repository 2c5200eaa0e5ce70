import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * The real `prompt` program, run from source: node with tsx, whose tsconfig paths resolve the workspace packages
 * to their sources whatever the working directory, so no build is needed.
 */
export const PROMPT_COMMAND = [
  process.execPath,
  "--import",
  "tsx",
  fileURLToPath(new URL("../../src/bin.ts", import.meta.url)),
];

/** A clean environment: nothing of the developer's (no PROMPT_SERVER, PROMPT_TOKEN, ~/.config), colour off. */
export function cliEnvironment(
  configHome: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: configHome,
    XDG_CONFIG_HOME: configHome,
    TSX_TSCONFIG_PATH: `${REPO_ROOT}tsconfig.json`,
    ...extra,
  };
}

export function spawnPrompt(args: string[], env: Record<string, string>): ChildProcess {
  const [command, ...prefix] = PROMPT_COMMAND as [string, ...string[]];
  return spawn(command, [...prefix, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
}

export interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `prompt args`, with `input` on its standard input, to its end. */
export async function runPrompt(args: string[], env: Record<string, string>, input = ""): Promise<Finished> {
  const child = spawnPrompt(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdin?.end(input);
  const [status] = (await once(child, "close")) as [number | null];
  return { status, stdout, stderr };
}
