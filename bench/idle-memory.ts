/**
 * An idle instance's memory (issue 27 §9). `npm start`'s server (dist/standalone.js, built first) with the default
 * settings and no environment but its DATA_DIR and port, on an empty DATA_DIR (embedded database from the shipped
 * template), then restarted on it: RSS from /proc once /metrics answers 200 (the plugin is ready only once every
 * worker has loaded and warmed up the model), `idleSeconds` later (the model still loaded), and once more when the
 * embedding workers have had EMBEDDING_IDLE_TIMEOUT (its default) without work and `idleSeconds` more: that is the
 * idle instance the goal is about. The same server from its sources through tsx, as the other sections start theirs.
 * Then where the memory goes: each part alone in a process of its own (support/idle-memory-part.ts), as the growth of
 * its RSS over a bare Node process.
 *
 * Why the index-cache section's server on an empty PostgreSQL database reports more (349.5 MB on 2026-12-07) than an
 * idle server here, without PGlite: it is measured right after its start, its worker holding the model, in a process
 * started with `--import tsx` that loads the sources (and tsx again in the worker), and through createServer, which
 * leaves glibc's malloc thresholds to glibc (only the standalone server fixes them, see malloc-thresholds.ts).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { durationMs } from "../packages/server/src/settings/kinds.js";
import { SETTINGS, type Setting } from "../packages/server/src/settings/table.js";
import type { BenchRow } from "./index.js";
import type { DataDirs } from "./support/data-dirs.js";
import { withStandaloneServer } from "./support/standalone-process.js";
import { round, sleep } from "./support/stats.js";

export interface IdleMemoryResult {
  /** `rssMb` once the workers have exited (EMBEDDING_IDLE_TIMEOUT + idleSeconds); `loadedRssMb` idleSeconds in. */
  starts: Array<{ server: string; rssMb: number; loadedRssMb: number; startMs: number }>;
  /** Growth of a process's RSS when it loads the part; `node` is a bare process's own RSS. */
  parts: Array<{ part: (typeof PARTS)[number]; rssMb: number }>;
  idleSeconds: number;
  /** EMBEDDING_IDLE_TIMEOUT's default, in seconds. */
  workerIdleSeconds: number;
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

export async function benchIdleMemory(options: {
  dataDirs: DataDirs;
  idleSeconds: number;
  /** Build and measure `npm start`'s server; otherwise (the smoke run) only the server from source. */
  built: boolean;
}): Promise<IdleMemoryResult> {
  const dataDir = await options.dataDirs.empty("idle");
  // The smoke run does not wait for the workers to exit.
  const workerIdleSeconds = options.built ? WORKER_IDLE_SECONDS : 0;
  const starts: IdleMemoryResult["starts"] = [];
  if (options.built) {
    await run("npm", ["run", "build:js", "--silent", "-w", "@prompt-service/server"], { cwd: ROOT });
    const built = ["packages/server/dist/standalone.js"];
    for (const server of ["built, empty DATA_DIR", "built, restart"]) {
      starts.push({ server, ...(await idleServer(built, dataDir, options.idleSeconds, workerIdleSeconds)) });
    }
  }
  const fromSource = ["--import", "tsx", "packages/server/src/standalone.ts"];
  starts.push({
    server: `from source (tsx), ${options.built ? "restart" : "empty DATA_DIR"}`,
    ...(await idleServer(fromSource, dataDir, options.idleSeconds, workerIdleSeconds)),
  });
  const parts: IdleMemoryResult["parts"] = [];
  const pgliteDir = await options.dataDirs.empty("idle-pglite");
  for (const part of PARTS) {
    const { stdout } = await run(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "bench/support/idle-memory-part.ts", part, pgliteDir],
      { cwd: ROOT },
    );
    const { beforeMb, afterMb } = JSON.parse(stdout) as { beforeMb: number; afterMb: number };
    parts.push({ part, rssMb: round(part === "node" ? beforeMb : afterMb - beforeMb, 1) });
  }
  return { starts, parts, idleSeconds: options.idleSeconds, workerIdleSeconds };
}

/** EMBEDDING_IDLE_TIMEOUT's default, from the settings table that owns it. */
const WORKER_IDLE_SECONDS = (() => {
  const setting: Setting | undefined = SETTINGS.find(({ env }) => env === "EMBEDDING_IDLE_TIMEOUT");
  return durationMs(String(setting?.default)) / 1000;
})();

/** Spawned → /metrics 200 → idle for a while → RSS → the workers' idle timeout and a while more → RSS. */
function idleServer(
  args: string[],
  dataDir: string,
  idleSeconds: number,
  workerIdleSeconds: number,
): Promise<{ rssMb: number; loadedRssMb: number; startMs: number }> {
  const rssOf = async (pid: number) => {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024, 1);
  };
  return withStandaloneServer(
    args,
    dataDir,
    async ({ pid, startMs }) => {
      await sleep(idleSeconds * 1000);
      const loadedRssMb = await rssOf(pid);
      await sleep(workerIdleSeconds * 1000);
      return { rssMb: await rssOf(pid), loadedRssMb, startMs };
    },
    { defaultLogLevel: true },
  );
}

/** What an idle server's RSS should stay under (issue 27 §9). */
const GOAL_MB = 180;

/** In this order: the reopened PGlite parts open the DATA_DIR that `pglite` made. */
const PARTS = [
  "node",
  "pglite",
  "pglite, reopened",
  "pglite, reopened, shared_buffers=16MB",
  "model",
  "tokenizer",
] as const;

const PART_NAMES: Record<(typeof PARTS)[number], string> = {
  node: "a bare Node process",
  pglite: "+ PGlite opened on a new DATA_DIR (from the template)",
  "pglite, reopened": "+ PGlite reopened on that DATA_DIR",
  "pglite, reopened, shared_buffers=16MB":
    "+ PGlite reopened on that DATA_DIR with shared_buffers=16MB (default 128MB)",
  model: "+ the bundled model in one worker thread, loaded and warmed up",
  tokenizer: "+ gpt-tokenizer's o200k_base (loaded at the first count of a provider that reports no usage)",
};

export function idleMemoryRows(result: IdleMemoryResult): BenchRow[] {
  const rows: BenchRow[] = result.starts.flatMap(({ server, rssMb, loadedRssMb, startMs }) => {
    const built = server.startsWith("built");
    const idle = result.workerIdleSeconds + result.idleSeconds;
    if (result.workerIdleSeconds === 0) {
      return [
        {
          id: "idle",
          measurement: `RSS of a server, default settings, default model, embedded database, ${server} (${idle} s after /metrics first answered; ${startMs} ms after spawn)`,
          result: `${rssMb} MB`,
          goal: "",
          verdict: "",
        },
      ];
    }
    return [
      {
        id: "idle",
        measurement: `RSS of an idle server, default settings, default model, embedded database, ${server} (${idle} s after /metrics first answered: the embedding workers' idle timeout of ${result.workerIdleSeconds} s and ${result.idleSeconds} s; ${startMs} ms after spawn)`,
        result: `${rssMb} MB`,
        goal: built ? `≤ ${GOAL_MB} MB` : "",
        verdict: built ? (rssMb <= GOAL_MB ? "meets" : "misses") : "",
      },
      {
        id: "idle",
        measurement: `the same, ${result.idleSeconds} s after /metrics first answered (the workers still hold the model)`,
        result: `${loadedRssMb} MB`,
        goal: "",
        verdict: "",
      },
    ];
  });
  for (const { part, rssMb } of result.parts) {
    rows.push({
      id: "idle",
      measurement: `where it goes: ${PART_NAMES[part]}, RSS`,
      result: `${rssMb} MB`,
      goal: "",
      verdict: "",
    });
  }
  return rows;
}
