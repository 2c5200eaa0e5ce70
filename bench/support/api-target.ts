import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { BENCH_JWT_SECRET } from "./target.js";

const MAIN = fileURLToPath(new URL("./api-target-main.ts", import.meta.url));

export interface ApiTargetConfig {
  dataDir: string;
  /** Unset: embedded PGlite in dataDir. */
  databaseUrl?: string;
  schema?: string;
  jwtSecret: string;
  /** createServer's options, as they are (JSON): openaiBaseUrl, promptRateLimits, maxConnectionsPerAddress… */
  options?: Record<string, unknown>;
  /** Users to create, each with an access token valid for a day. */
  newUsers?: number;
  /** Existing users (e.g. seeded) to mint tokens for. */
  tokenUserIds?: number[];
  /** Also make each user a personal API key through POST /api/keys. */
  apiKeys?: boolean;
}

export interface ApiBenchUser {
  id: number;
  token: string;
  /** `ps_…`, when the target was asked for keys. */
  key?: string;
}

export type ApiTargetRequest =
  | { type: "memory"; id: number; gc: boolean }
  | { type: "queries"; id: number }
  | { type: "stalls"; id: number }
  | { type: "stop"; id: number };

/** What held the target's requests up over a stretch of load (see api-target-main.ts). */
export interface ApiTargetStalls {
  /** How late the event loop ran its timers (Node's monitorEventLoopDelay, 5 ms resolution), ms. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Garbage collections: how many, their pauses in all, the longest, and how many paused over 10 ms. */
  gcPauses: { count: number; totalMs: number; maxMs: number; over10Ms: number };
  /** Each SQL statement's 99th percentile time, ms, from the call (a wait for a pooled connection too). */
  statementP99Ms: Record<string, number>;
}

export interface ApiTargetReady {
  type: "ready";
  url: string;
  users: ApiBenchUser[];
  startupMs: number;
}

export type ApiTargetReply =
  | { type: "memory"; id: number; memory: NodeJS.MemoryUsage }
  | { type: "queries"; id: number; queries: Record<string, number>; queryMs: Record<string, number> }
  | { type: "stalls"; id: number; stalls: ApiTargetStalls }
  | { type: "stopped"; id: number };

export interface ApiTarget {
  url: string;
  users: ApiBenchUser[];
  pid: number;
  child: ChildProcess;
  /** The process's memory (after a full GC when `gc`); `rss` from /proc where there is one. */
  memory(gc?: boolean): Promise<NodeJS.MemoryUsage>;
  /** Its resident set size from /proc, without asking it anything (no GC, no message): for fine sampling. */
  rss(): Promise<number | undefined>;
  /** Every SQL statement its storage has run since start (whitespace collapsed, first 400 characters) → count. */
  queries(): Promise<Record<string, number>>;
  /** The same statements → the time their runs took in all (ms, from the call: a wait for a pooled connection too). */
  statementMs(): Promise<Record<string, number>>;
  /** What held its requests up since the last call (the first counts from start); each call starts a new count. */
  stalls(): Promise<ApiTargetStalls>;
  stop(): Promise<void>;
}

/** Starts api-target-main.ts in its own process and waits for it to listen. */
export async function startApiTarget(
  config: Partial<ApiTargetConfig> & { dataDir: string },
): Promise<ApiTarget> {
  const full: ApiTargetConfig = { jwtSecret: BENCH_JWT_SECRET, ...config };
  // Its JSON log lines go to /dev/null, or, to find out what happened, to the file BENCH_TARGET_LOG names.
  const logFile = process.env.BENCH_TARGET_LOG;
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", MAIN], {
    env: { ...process.env, BENCH_API_TARGET: JSON.stringify(full) },
    stdio: ["ignore", logFile ? openSync(logFile, "a") : "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = once(child, "exit");
  const replies = new Map<number, (reply: ApiTargetReply) => void>();
  let nextId = 0;
  const info = await new Promise<ApiTargetReady>((resolve, reject) => {
    child.on("message", (message: ApiTargetReady | ApiTargetReply) => {
      if (message.type === "ready") resolve(message);
      else replies.get(message.id)?.(message);
    });
    void exited.then(([code]) =>
      reject(new Error(`bench API target exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  const ask = <Reply extends ApiTargetReply>(request: ApiTargetRequest): Promise<Reply> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`bench API target is gone:\n${stderr}`));
      replies.set(request.id, (reply) => {
        replies.delete(request.id);
        resolve(reply as Reply);
      });
      child.send(request);
    });
  const pid = child.pid as number;
  return {
    url: info.url,
    users: info.users,
    pid,
    child,
    async memory(gc = true) {
      const reply = await ask<Extract<ApiTargetReply, { type: "memory" }>>({
        type: "memory",
        id: nextId++,
        gc,
      });
      return { ...reply.memory, rss: (await residentBytes(pid)) ?? reply.memory.rss };
    },
    rss: () => residentBytes(pid),
    async queries() {
      const reply = await ask<Extract<ApiTargetReply, { type: "queries" }>>({
        type: "queries",
        id: nextId++,
      });
      return reply.queries;
    },
    async statementMs() {
      const reply = await ask<Extract<ApiTargetReply, { type: "queries" }>>({
        type: "queries",
        id: nextId++,
      });
      return reply.queryMs;
    },
    async stalls() {
      const reply = await ask<Extract<ApiTargetReply, { type: "stalls" }>>({ type: "stalls", id: nextId++ });
      return reply.stalls;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      try {
        if (child.connected) child.send({ type: "stop", id: nextId++ } satisfies ApiTargetRequest);
        else child.kill("SIGTERM");
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Resident set size of a process, from /proc (Linux), in bytes; undefined elsewhere. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process (or one of its threads: `tid`, the main thread being `pid` itself) has used, in ms, from /proc
 * (user + system, in clock ticks of 10 ms); undefined elsewhere.
 */
export async function cpuMs(pid: number, tid?: number): Promise<number | undefined> {
  try {
    const stat = await readFile(
      tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
      "utf8",
    );
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command: state is field 3, utime 14 and stime 15 (1-based, as proc(5) counts).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Sum of the counts of the statements whose text contains `fragment`. */
export function countOf(queries: Record<string, number>, fragment: string): number {
  return Object.entries(queries)
    .filter(([text]) => text.includes(fragment))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** Statements run between two snapshots of ApiTarget.queries(), all of them. */
export function totalBetween(before: Record<string, number>, after: Record<string, number>): number {
  const sum = (queries: Record<string, number>) => Object.values(queries).reduce((a, b) => a + b, 0);
  return sum(after) - sum(before);
}
