import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { sleep } from "./stats.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A standalone server process that answered its first `/metrics`: its pid, and how long that took. */
export interface StartedServer {
  pid: number;
  /** From the spawn to the first 200 of /metrics, in ms. */
  startMs: number;
}

/**
 * Spawns `node <args>` as `npm start` runs the server (its own DATA_DIR and a port of its own), waits for its first
 * 200 on /metrics, runs `during`, then stops it with SIGTERM, whatever happened. LOG_LEVEL is `warn` unless
 * `defaultLogLevel` asks for the server's own default (its logs go nowhere either way).
 */
export async function withStandaloneServer<T>(
  args: string[],
  dataDir: string,
  during: (server: StartedServer) => Promise<T>,
  options: { defaultLogLevel?: boolean } = {},
): Promise<T> {
  const port = 18_000 + Math.floor(Math.random() * 1_000);
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      DATA_DIR: dataDir,
      PORT: String(port),
      ...(options.defaultLogLevel ? {} : { LOG_LEVEL: "warn" }),
    },
    stdio: "ignore",
  });
  try {
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      if (child.exitCode !== null || performance.now() - started > 120_000) {
        throw new Error(`node ${args.join(" ")} did not answer /metrics (exit ${child.exitCode})`);
      }
      await sleep(10);
    }
    return await during({ pid: child.pid as number, startMs: Math.round(performance.now() - started) });
  } finally {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }
}
