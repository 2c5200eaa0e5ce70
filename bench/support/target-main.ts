/**
 * The server under test, in a process of its own so that the load generator (the parent) does not share its event
 * loop or its CPU. Started by target.ts: reads its configuration from BENCH_TARGET, creates users directly in the
 * database (registration hashes passwords, and login is throttled per address) and mints their access tokens, listens,
 * then answers the parent's messages (memory, stop) over IPC.
 */

import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import Fastify from "fastify";
import { createServer } from "../../packages/server/src/app.js";
import { TokenService } from "../../packages/server/src/auth/tokens.js";
import { loadFaissBinding } from "../../packages/server/src/similarity/vector-index/faiss-binding.js";
import { openStorage } from "../../packages/server/src/storage/index.js";
import { memoryUsage } from "./stats.js";
import type { TargetConfig, TargetReady, TargetReply, TargetRequest } from "./target.js";

const config = JSON.parse(process.env.BENCH_TARGET ?? "{}") as TargetConfig;
const started = performance.now();

const storage = await openStorage({
  databaseUrl: config.databaseUrl,
  ...(config.schema ? { schema: config.schema } : {}),
  dataDir: config.dataDir,
});
const app = await createServer({
  // One JSON line per request, as in production; stdout is /dev/null (see target.ts), so the cost is pino's.
  logLevel: config.logLevel ?? "info",
  storage,
  dataDir: config.dataDir,
  jwtSecret: config.jwtSecret,
  ...(config.redisUrl ? { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix } : {}),
  ...(config.promptRateLimits ? { promptRateLimits: config.promptRateLimits } : {}),
  ...(config.searchRateLimits ? { searchRateLimits: config.searchRateLimits } : {}),
  ...(config.vectorIndex ? { vectorIndex: config.vectorIndex } : {}),
  ...(config.indexMemoryBudget ? { indexMemoryBudget: config.indexMemoryBudget } : {}),
  ...(config.wsMaxSocketsPerUser ? { wsMaxSocketsPerUser: config.wsMaxSocketsPerUser } : {}),
  ...(config.wsMaxSocketsPerAddress ? { wsMaxSocketsPerAddress: config.wsMaxSocketsPerAddress } : {}),
});
const url = await app.listen({ port: 0, host: "127.0.0.1" });

// The bare baseline of overhead measurements: plain Fastify, no logger, no hooks, in this same process.
const hello = Fastify();
hello.get("/", async () => ({ hello: "world" }));
const helloUrl = config.hello ? await hello.listen({ port: 0, host: "127.0.0.1" }) : undefined;

const tokens = new TokenService(config.jwtSecret, { access: 24 * 3600, refresh: 24 * 3600 });
const userIds = [...(config.tokenUserIds ?? [])];
const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
for (let index = 0; index < (config.newUsers ?? 0); index++) {
  const username = `bench${tag}u${index}`;
  const user = await storage.users.create({ username, email: `${username}@example.com`, passwordHash: "-" });
  userIds.push(user.id);
}
const users = await Promise.all(
  userIds.map(async (id) => ({ id, token: (await tokens.issue("access", id)).token })),
);

// BENCH_PROFILE=<dir>: a CPU profile of everything after start-up, written on stop (open it in Chrome's DevTools).
const profileDir = process.env.BENCH_PROFILE;
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.start");
}

const send = (message: TargetReady | TargetReply) => process.send?.(message);
const requested = config.vectorIndex ?? "auto";
const vectorIndex = requested === "auto" ? ("binding" in loadFaissBinding() ? "faiss" : "exact") : requested;
send({ type: "ready", url, helloUrl, users, startupMs: performance.now() - started, vectorIndex });

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
    if (profiler && profileDir) {
      const { profile } = await profiler.post("Profiler.stop");
      await writeFile(join(profileDir, `target-${process.pid}.cpuprofile`), JSON.stringify(profile));
    }
    await hello.close();
    await app.close();
    await storage.close();
  })();
  return stopping;
}

process.on("message", async (message: TargetRequest) => {
  if (message.type === "memory") {
    send({ type: "memory", id: message.id, memory: await memoryUsage(message.gc === true) });
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
