/**
 * (d) Time from sending POST /api/prompts {websocket: true} to the `prompt.message` event arriving on each of the
 * user's sockets, p50/p99, with `sockets` sockets open (10 per user, the default per-user maximum): on one instance
 * (in-process hub), and across two instances through Redis (sockets on one, POSTs to the other). Both on one
 * PostgreSQL schema, so that the difference is the hub. Posts go at a steady rate, round-robin over the users, each
 * user within the default throttle.
 */
import { randomBytes } from "node:crypto";
import { Agent, request } from "undici";
import WebSocket from "ws";
import { requireRedis } from "../packages/testkit/src/redis.js";
import { createTestSchema, TEST_REDIS_URL } from "../packages/testkit/src/services.js";
import type { DataDirs } from "./support/data-dirs.js";
import { p50p99, sleep } from "./support/stats.js";
import { type BenchUser, startTarget, type Target } from "./support/target.js";
import { PromptTexts } from "./support/texts.js";

export interface WebsocketLatencyOptions {
  sockets: number;
  /** At most 10, the default per-user maximum. */
  socketsPerUser: number;
  posts: number;
  postsPerSecond: number;
  dataDirs: DataDirs;
}

export interface WebsocketLatencyRow {
  setup: "one instance" | "two instances (Redis)";
  sockets: number;
  posts: number;
  p50Ms: number;
  p99Ms: number;
  /** Events expected but not received within 5 s of the last post: should be 0. */
  missing: number;
  /** POSTs not answered 201: should be 0. */
  failedPosts: number;
}

/** Between two posts of one user: more than the throttle's second, with a margin. */
const USER_SPACING_MS = 1_500;

export async function benchWebsocketLatency(
  options: WebsocketLatencyOptions,
): Promise<WebsocketLatencyRow[]> {
  await requireRedis();
  const schema = await createTestSchema("bench");
  const users = Math.ceil(options.sockets / options.socketsPerUser);
  const rows: WebsocketLatencyRow[] = [];
  try {
    const single = await startTarget({
      dataDir: await options.dataDirs.empty("ws"),
      databaseUrl: schema.databaseUrl,
      schema: schema.name,
      newUsers: users,
      wsMaxSocketsPerAddress: options.sockets,
    });
    try {
      rows.push(await measure("one instance", single, single, single.users, options));
    } finally {
      await single.stop();
    }

    const redisPrefix = `bench:${randomBytes(4).toString("hex")}:`;
    const common = {
      wsMaxSocketsPerAddress: options.sockets,
      databaseUrl: schema.databaseUrl,
      schema: schema.name,
      redisUrl: TEST_REDIS_URL,
      redisPrefix,
    };
    const posting = await startTarget({
      ...common,
      dataDir: await options.dataDirs.empty("ws-a"),
      newUsers: users,
    });
    try {
      const listening = await startTarget({
        ...common,
        dataDir: await options.dataDirs.empty("ws-b"),
        tokenUserIds: posting.users.map((user) => user.id),
      });
      try {
        rows.push(await measure("two instances (Redis)", posting, listening, posting.users, options));
      } finally {
        await listening.stop();
      }
    } finally {
      await posting.stop();
    }
  } finally {
    await schema.drop();
  }
  return rows;
}

async function measure(
  setup: WebsocketLatencyRow["setup"],
  posting: Target,
  listening: Target,
  users: BenchUser[],
  options: WebsocketLatencyOptions,
): Promise<WebsocketLatencyRow> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const sockets: WebSocket[] = [];
  const agent = new Agent();
  const wsUrl = `${listening.url.replace("http", "ws")}/ws/prompts/`;
  try {
    // Open every socket first, a few dozen at a time.
    const owners = Array.from(
      { length: options.sockets },
      (_, index) => users[index % users.length] as BenchUser,
    );
    for (let start = 0; start < owners.length; start += 50) {
      await Promise.all(
        owners.slice(start, start + 50).map(async (user) => {
          const socket = new WebSocket(`${wsUrl}?token=${user.token}`);
          socket.on("message", (data) => {
            const arrived = performance.now();
            const event = JSON.parse(data.toString()) as { type: string; data?: { prompt?: string } };
            if (event.type !== "prompt.message") return;
            const sent = sentAt.get(event.data?.prompt ?? "");
            if (sent !== undefined) latencies.push(arrived - sent);
          });
          await new Promise<void>((resolve, reject) => {
            socket.once("open", resolve);
            socket.once("error", reject);
          });
          sockets.push(socket);
        }),
      );
    }

    // Untimed warm-up posts first: the first embeddings compile the model's kernels, the first queries plan.
    const warmup = Math.min(20, Math.ceil(options.posts / 5));
    const texts = new PromptTexts(31, "w");
    const socketsOf = new Map<number, number>();
    for (const owner of owners) socketsOf.set(owner.id, (socketsOf.get(owner.id) ?? 0) + 1);
    let expected = 0;
    let failedPosts = 0;
    const inFlight: Promise<void>[] = [];
    // Round-robin over the users: each posts once per round, and a round lasts longer than the throttle's second.
    const postsPerSecond = Math.min(options.postsPerSecond, (users.length * 1000) / USER_SPACING_MS);
    const started = performance.now();
    for (let index = 0; index < warmup + options.posts; index++) {
      const due = started + (index * 1000) / postsPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const user = users[index % users.length] as BenchUser;
      const text = texts.next();
      if (index >= warmup) {
        expected += socketsOf.get(user.id) ?? 0;
        sentAt.set(text, performance.now());
      }
      inFlight.push(
        request(`${posting.url}/api/prompts`, {
          method: "POST",
          dispatcher: agent,
          headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
          body: JSON.stringify({ prompt: text, websocket: true }),
        }).then(
          async (response) => {
            await response.body.text();
            if (response.statusCode !== 201) failedPosts++;
          },
          () => {
            failedPosts++;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const deadline = performance.now() + 5_000;
    while (latencies.length < expected && performance.now() < deadline) await sleep(20);
    const { p50, p99 } = p50p99(latencies);
    return {
      setup,
      sockets: sockets.length,
      posts: options.posts,
      p50Ms: p50,
      p99Ms: p99,
      missing: expected - latencies.length,
      failedPosts,
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    await agent.close();
  }
}
