import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The repository root, where TypeScript entry points are run from. */
export const REPOSITORY_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const STANDALONE = fileURLToPath(new URL("../../server/src/standalone.ts", import.meta.url));

export interface TypeScriptProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; kills the process and fails if it ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends a signal (SIGTERM by default) unless it has already ended, and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a TypeScript file from source (`node --import tsx`) as a real child process, recording its output. */
export function spawnTypeScript(
  file: string,
  options: { env: NodeJS.ProcessEnv; args?: string[]; cwd?: string },
): TypeScriptProcess {
  const child = spawn(process.execPath, ["--import", "tsx", file, ...(options.args ?? [])], {
    cwd: options.cwd ?? REPOSITORY_ROOT,
    env: options.env,
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
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    exited,
    output: () => output,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (!running() || Date.now() > deadline) {
          child.kill("SIGKILL");
          throw new Error(`${file} never printed ${pattern}:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(signal = "SIGTERM") {
      if (running()) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the standalone server (`npm start`'s entry, from source) on a free port with `env` on top of the defaults. */
export function spawnServer(env: Record<string, string>): TypeScriptProcess {
  return spawnTypeScript(STANDALONE, {
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
  });
}

export interface ServerProcess extends TypeScriptProcess {
  /** http://127.0.0.1:<port>, read from the "Server listening" log line. */
  url: string;
}

/** Starts the standalone server and waits until it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  const server = spawnServer(env);
  const [, url] = await server.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs);
  return { ...server, url: url as string };
}
