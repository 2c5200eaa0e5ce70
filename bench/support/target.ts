import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { type Agent, request } from "undici";
import type { VectorIndexKind } from "../../packages/server/src/similarity/vector-index/index.js";

const TARGET_MAIN = fileURLToPath(new URL("./target-main.ts", import.meta.url));

/** The secret every target signs its tokens with; benchmarks are not about secrets. */
export const BENCH_JWT_SECRET = "bench-secret-that-is-long-enough-for-hs256-0123456789";

export interface TargetConfig {
  dataDir: string;
  /** Unset: embedded PGlite in dataDir. */
  databaseUrl?: string;
  schema?: string;
  redisUrl?: string;
  redisPrefix?: string;
  jwtSecret: string;
  /** Unset: the service's default, 1/s,10/min. */
  promptRateLimits?: string;
  /** Unset: the service's default, 2/s,60/min. */
  searchRateLimits?: string;
  vectorIndex?: VectorIndexKind;
  /** Unset: the service's default, 256MB. */
  indexMemoryBudget?: string;
  wsMaxSocketsPerUser?: number;
  /** The benchmark opens all its sockets from one address. */
  wsMaxSocketsPerAddress?: number;
  logLevel?: string | false;
  /** Users to create, each with an access token valid for a day. */
  newUsers?: number;
  /** Existing users (e.g. created by a seeding step) to mint tokens for. */
  tokenUserIds?: number[];
  /** Also listen with a bare Fastify app whose GET / answers {hello: "world"}. */
  hello?: boolean;
}

export interface BenchUser {
  id: number;
  token: string;
}

export type TargetRequest = { type: "memory"; id: number; gc: boolean } | { type: "stop"; id: number };

export interface TargetReady {
  type: "ready";
  url: string;
  helloUrl: string | undefined;
  users: BenchUser[];
  /** From the process's first line of code to listening, users created. */
  startupMs: number;
  /** The vector index the server chose. */
  vectorIndex: string;
}

export type TargetReply =
  | { type: "memory"; id: number; memory: NodeJS.MemoryUsage }
  | { type: "stopped"; id: number };

export interface Target {
  url: string;
  helloUrl: string | undefined;
  users: BenchUser[];
  startupMs: number;
  vectorIndex: string;
  /** From spawning the process to its ready message: process start, module loading and startupMs. */
  spawnToReadyMs: number;
  child: ChildProcess;
  /** The process's memory, after a full GC when `gc` is true; `rss` as /proc reports it, where there is one. */
  memory(gc?: boolean): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

/** Starts target-main.ts in its own process and waits for it to listen. */
export async function startTarget(config: Partial<TargetConfig> & { dataDir: string }): Promise<Target> {
  const full: TargetConfig = { jwtSecret: BENCH_JWT_SECRET, ...config };
  const spawned = performance.now();
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", TARGET_MAIN], {
    env: { ...process.env, BENCH_TARGET: JSON.stringify(full) },
    // Its logs go to /dev/null: writing them costs the server what it costs in production, reading them would
    // cost the load generator.
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = once(child, "exit");

  const replies = new Map<number, (reply: TargetReply) => void>();
  let nextId = 0;
  const ready = new Promise<TargetReady>((resolve, reject) => {
    child.on("message", (message: TargetReady | TargetReply) => {
      if (message.type === "ready") resolve(message);
      else replies.get(message.id)?.(message);
    });
    void exited.then(([code]) =>
      reject(new Error(`bench target exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  const info = await ready;
  const spawnToReadyMs = performance.now() - spawned;

  const ask = <Reply extends TargetReply>(request: TargetRequest): Promise<Reply> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`bench target is gone:\n${stderr}`));
      replies.set(request.id, (reply) => {
        replies.delete(request.id);
        resolve(reply as Reply);
      });
      child.send(request);
    });

  return {
    url: info.url,
    helloUrl: info.helloUrl,
    users: info.users,
    startupMs: info.startupMs,
    vectorIndex: info.vectorIndex,
    spawnToReadyMs,
    child,
    async memory(gc = true) {
      const reply = await ask<Extract<TargetReply, { type: "memory" }>>({ type: "memory", id: nextId++, gc });
      return { ...reply.memory, rss: (await residentBytes(child.pid as number)) ?? reply.memory.rss };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      try {
        if (child.connected) child.send({ type: "stop", id: nextId++ } satisfies TargetRequest);
        else child.kill("SIGTERM");
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Resident set size of a process, from /proc (Linux), in bytes; undefined elsewhere. */
async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const { readFile } = await import("node:fs/promises");
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** GET /api/prompts/similar as `token`'s user: the ids found, best first; throws on anything but a 200 with results. */
export async function similarSearch(
  target: Target,
  agent: Agent,
  token: string,
  text: string,
  k: number,
): Promise<number[]> {
  const response = await request(`${target.url}/api/prompts/similar?q=${encodeURIComponent(text)}&k=${k}`, {
    dispatcher: agent,
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.body.json()) as { results?: Array<{ id: number }> };
  if (response.statusCode !== 200 || !body.results) {
    throw new Error(`search answered ${response.statusCode}: ${JSON.stringify(body).slice(0, 200)}`);
  }
  return body.results.map((result) => result.id);
}
