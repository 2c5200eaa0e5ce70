/**
 * A server under test for the API-key, export and gateway sections, in a process of its own (started by
 * api-target.ts). Unlike target-main.ts it takes any of createServer's options as they are (the LLM's base URL, the
 * throttles, the connection cap), makes a personal API key for each user through POST /api/keys, and counts the
 * SQL statements its storage runs: the real storage (PGlite or PostgreSQL, SqlStorage over it), with a counter in
 * front of the database handle, so that a benchmark can tell how many queries a stretch of requests cost.
 */

import { join } from "node:path";
import {
  createHistogram,
  monitorEventLoopDelay,
  PerformanceObserver,
  type RecordableHistogram,
} from "node:perf_hooks";
import { createServer, type ServerOptions } from "../../packages/server/src/app.js";
import { TokenService } from "../../packages/server/src/auth/tokens.js";
import { openEmbedded } from "../../packages/server/src/storage/embedded.js";
import { migrate } from "../../packages/server/src/storage/migrate.js";
import { openPostgres } from "../../packages/server/src/storage/postgres.js";
import type { SqlDatabase, SqlExecutor } from "../../packages/server/src/storage/sql.js";
import { SqlStorage } from "../../packages/server/src/storage/sql-storage.js";
import type {
  ApiTargetConfig,
  ApiTargetReady,
  ApiTargetReply,
  ApiTargetRequest,
  ApiTargetStalls,
} from "./api-target.js";
import { memoryUsage } from "./stats.js";

const config = JSON.parse(process.env.BENCH_API_TARGET ?? "{}") as ApiTargetConfig;
const started = performance.now();

/** Statement text (whitespace collapsed) → how many times it ran. */
const queries = new Map<string, number>();
/** Statement text → the time its runs took in all, ms, from the call (waiting for a pooled connection included). */
const queryMs = new Map<string, number>();
/** Statement text → its runs' times since the last look at the stalls, µs: for their tail. */
const queryTimes = new Map<string, RecordableHistogram>();
const timed = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const took = performance.now() - started;
    queryMs.set(key, (queryMs.get(key) ?? 0) + took);
    const times = queryTimes.get(key) ?? createHistogram();
    queryTimes.set(key, times);
    times.record(Math.max(1, Math.round(took * 1000)));
  }
};

// Where a request's time may go besides its own work: the event loop held by other work (a long synchronous task,
// a garbage collection's pause), measured by Node's own monitor, and the collections' pauses one by one.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const pauses = { count: 0, totalMs: 0, maxMs: 0, over10Ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    pauses.count++;
    pauses.totalMs += entry.duration;
    pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
    if (entry.duration > 10) pauses.over10Ms++;
  }
}).observe({ entryTypes: ["gc"] });

/** What held requests up since the last call, which starts a new count. */
function stalls(): ApiTargetStalls {
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const result: ApiTargetStalls = {
    loopDelayMs: {
      p50: ms(loopDelay.percentile(50)),
      p99: ms(loopDelay.percentile(99)),
      max: ms(loopDelay.max),
    },
    gcPauses: { ...pauses, totalMs: Math.round(pauses.totalMs), maxMs: Math.round(pauses.maxMs * 10) / 10 },
    statementP99Ms: Object.fromEntries(
      [...queryTimes].map(([key, times]) => [key, Math.round(times.percentile(99) / 100) / 10]),
    ),
  };
  loopDelay.reset();
  Object.assign(pauses, { count: 0, totalMs: 0, maxMs: 0, over10Ms: 0 });
  queryTimes.clear();
  return result;
}
/** The label under which transactions (their BEGIN and COMMIT) are counted. */
const TRANSACTION = "BEGIN … COMMIT (one transaction)";
const label = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 400);
function counted(executor: SqlExecutor): SqlExecutor {
  return {
    query(text, params) {
      const key = label(text);
      queries.set(key, (queries.get(key) ?? 0) + 1);
      return timed(key, () => executor.query(text, params));
    },
    exec(script) {
      const key = label(script);
      queries.set(key, (queries.get(key) ?? 0) + 1);
      return executor.exec(script);
    },
  };
}
function countingDatabase(db: SqlDatabase): SqlDatabase {
  return {
    ...counted(db),
    transaction: (work) => {
      // BEGIN and COMMIT are the adapter's own round trips, which the executor does not see: counted here.
      queries.set(TRANSACTION, (queries.get(TRANSACTION) ?? 0) + 1);
      return timed(TRANSACTION, () => db.transaction((tx) => work(counted(tx))));
    },
    close: () => db.close(),
  };
}

const db = config.databaseUrl
  ? await openPostgres({
      connectionString: config.databaseUrl,
      ...(config.schema ? { schema: config.schema } : {}),
    })
  : await openEmbedded(join(config.dataDir, "pgdata"));
await migrate(db);
const storage = new SqlStorage(config.databaseUrl ? "postgres" : "embedded", countingDatabase(db));

const app = await createServer({
  // One JSON line per request, as in production; stdout is /dev/null (see api-target.ts).
  logLevel: "info",
  ...(config.options as ServerOptions),
  storage,
  dataDir: config.dataDir,
  jwtSecret: config.jwtSecret,
});
const url = await app.listen({ port: 0, host: "127.0.0.1" });

const tokens = new TokenService(config.jwtSecret, { access: 24 * 3600, refresh: 24 * 3600 });
const userIds = [...(config.tokenUserIds ?? [])];
const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
for (let index = 0; index < (config.newUsers ?? 0); index++) {
  const username = `bench${tag}u${index}`;
  const user = await storage.users.create({ username, email: `${username}@example.com`, passwordHash: "-" });
  userIds.push(user.id);
}
const users = [];
for (const id of userIds) {
  const token = (await tokens.issue("access", id)).token;
  let key: string | undefined;
  if (config.apiKeys) {
    // Through the API, as a user would make one: a session's access token, POST /api/keys.
    const response = await app.inject({
      method: "POST",
      url: "/api/keys",
      headers: { authorization: `Bearer ${token}` },
      payload: { name: "bench" },
    });
    if (response.statusCode !== 201) {
      throw new Error(`POST /api/keys answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    }
    key = (response.json() as { key: string }).key;
  }
  users.push({ id, token, ...(key ? { key } : {}) });
}

const send = (message: ApiTargetReady | ApiTargetReply) => process.send?.(message);
send({ type: "ready", url, users, startupMs: performance.now() - started });

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
    await app.close();
    await storage.close();
  })();
  return stopping;
}

process.on("message", async (message: ApiTargetRequest) => {
  if (message.type === "memory") {
    send({ type: "memory", id: message.id, memory: await memoryUsage(message.gc === true) });
  } else if (message.type === "queries") {
    send({
      type: "queries",
      id: message.id,
      queries: Object.fromEntries(queries),
      queryMs: Object.fromEntries(queryMs),
    });
  } else if (message.type === "stalls") {
    send({ type: "stalls", id: message.id, stalls: stalls() });
  } else if (message.type === "stop") {
    await stop();
    send({ type: "stopped", id: message.id });
    process.exit(0);
  }
});
process.on("disconnect", () => {
  // The parent went away: do not outlive it.
  void stop().finally(() => process.exit(0));
});
