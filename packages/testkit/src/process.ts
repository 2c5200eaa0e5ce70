import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const STANDALONE = fileURLToPath(new URL("../../server/src/standalone.ts", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, read from the "Server listening" log line. */
  url: string;
  /** Everything the process wrote so far. */
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the standalone server (`npm start`'s entry, from source) as a real child process. */
export function spawnServer(env: Record<string, string>): {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
} {
  const child = spawn(process.execPath, ["--import", "tsx", STANDALONE], {
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
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
  return { child, exited, output: () => output };
}

/** Starts the standalone server and waits until it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const { child, exited, output } = spawnServer(env);
  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (!url) {
    url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    if (url) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    url,
    output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
