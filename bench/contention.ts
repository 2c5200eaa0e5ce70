/**
 * Nobody waits behind someone else's embedding: while `flooders` users send similarity searches with distinct
 * ~1,500-character queries as fast as their answers come back (`perFlooder` in flight each), one more user goes
 * about its day: GET /api/auth/me/ in a loop, and POST /api/prompts {websocket: true} once a second with a socket
 * open. Measured: that user's /me p99, POST p99 and POST → prompt.message p99, and what the flood was answered.
 * Another such user's figures with no flood, on the same server, are the baseline. The prompt throttle is 1/s
 * only, so that a user posting every 1.1 s for the whole run is never refused by the per-minute window.
 */
import { Agent, request } from "undici";
import WebSocket from "ws";
import type { DataDirs } from "./support/data-dirs.js";
import { p50p99, sleep } from "./support/stats.js";
import { type BenchUser, startTarget, type Target } from "./support/target.js";

export interface ContentionOptions {
  flooders: number;
  perFlooder: number;
  seconds: number;
  dataDirs: DataDirs;
}

export interface VictimFigures {
  meP99Ms: number;
  postP99Ms: number;
  eventP99Ms: number;
  posts: number;
  /** Events not received within 5 s of their POST. */
  missingEvents: number;
  /** POSTs not answered 201. */
  failedPosts: number;
}

export interface ContentionResult {
  quiet: VictimFigures;
  flooded: VictimFigures;
  /** HTTP status → count, over the flood's searches. */
  floodStatuses: Record<string, number>;
  floodSearches: number;
}

const QUERY_CHARACTERS = 1_500;

/** A distinct query of about 1,500 characters, so that neither the cache nor a short text spares the model. */
function longQuery(seed: number): string {
  const words: string[] = [];
  let length = 0;
  for (let index = 0; length < QUERY_CHARACTERS; index++) {
    const word = `w${((seed + 1) * 2_654_435_761 + index * 40_503) % 1_000_003}`;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(" ");
}

export async function benchContention(options: ContentionOptions): Promise<ContentionResult> {
  const target = await startTarget({
    dataDir: await options.dataDirs.empty("contention"),
    newUsers: options.flooders + 3,
    promptRateLimits: "1/s",
  });
  const agent = new Agent({ connections: 256 });
  try {
    const [warming, calm, victim, ...flooders] = target.users as [
      BenchUser,
      BenchUser,
      BenchUser,
      ...BenchUser[],
    ];
    // Warm-up: the first embeddings compile the model's kernels, the first queries plan.
    await victimDay(target, agent, warming, 2, "warm");
    const quiet = await victimDay(target, agent, calm, options.seconds, "quiet");
    const statuses: Record<string, number> = {};
    let searches = 0;
    let stop = false;
    let seed = 0;
    const flood = flooders.flatMap((user) =>
      Array.from({ length: options.perFlooder }, async () => {
        while (!stop) {
          const query = longQuery(seed++);
          const status = await request(`${target.url}/api/prompts/similar?q=${encodeURIComponent(query)}`, {
            dispatcher: agent,
            headers: { authorization: `Bearer ${user.token}` },
          }).then(
            async (response) => {
              await response.body.text();
              return String(response.statusCode);
            },
            () => "network error",
          );
          statuses[status] = (statuses[status] ?? 0) + 1;
          searches++;
          // A refused client waits before asking again, as Retry-After tells it (a second, here).
          if (status !== "200") await sleep(1_000);
        }
      }),
    );
    await sleep(1_000);
    const flooded = await victimDay(target, agent, victim, options.seconds, "flooded");
    stop = true;
    await Promise.all(flood);
    return { quiet, flooded, floodStatuses: statuses, floodSearches: searches };
  } finally {
    await agent.close();
    await target.stop();
  }
}

/** The victim's day: /me in a loop, and one POST a second (the default throttle) with its event awaited. */
async function victimDay(
  target: Target,
  agent: Agent,
  user: BenchUser,
  seconds: number,
  tag: string,
): Promise<VictimFigures> {
  const authorization = `Bearer ${user.token}`;
  const socket = new WebSocket(`${target.url.replace("http", "ws")}/ws/prompts/?token=${user.token}`);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const sentAt = new Map<string, number>();
  const eventLatencies: number[] = [];
  socket.on("message", (data) => {
    const event = JSON.parse(data.toString()) as { type: string; data?: { prompt?: string } };
    const sent = event.type === "prompt.message" ? sentAt.get(event.data?.prompt ?? "") : undefined;
    if (sent !== undefined) eventLatencies.push(performance.now() - sent);
  });
  const meLatencies: number[] = [];
  const postLatencies: number[] = [];
  const ends = performance.now() + seconds * 1_000;
  const timed = async (work: () => Promise<void>, into: number[]) => {
    const started = performance.now();
    await work();
    into.push(performance.now() - started);
  };
  const meLoop = (async () => {
    while (performance.now() < ends) {
      await timed(async () => {
        const response = await request(`${target.url}/api/auth/me/`, {
          dispatcher: agent,
          headers: { authorization },
        });
        await response.body.text();
      }, meLatencies);
      await sleep(20);
    }
  })();
  let posts = 0;
  let failedPosts = 0;
  const postLoop = (async () => {
    for (let index = 0; performance.now() < ends; index++) {
      const text = `${tag} prompt ${index} ${Math.random().toString(36).slice(2)}`;
      sentAt.set(text, performance.now());
      posts++;
      await timed(async () => {
        const response = await request(`${target.url}/api/prompts`, {
          method: "POST",
          dispatcher: agent,
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({ prompt: text, websocket: true }),
        });
        await response.body.text();
        if (response.statusCode !== 201) failedPosts++;
      }, postLatencies);
      await sleep(1_100);
    }
  })();
  await Promise.all([meLoop, postLoop]);
  const deadline = performance.now() + 5_000;
  while (eventLatencies.length < posts && performance.now() < deadline) await sleep(20);
  socket.terminate();
  return {
    meP99Ms: p50p99(meLatencies).p99,
    postP99Ms: p50p99(postLatencies).p99,
    eventP99Ms: p50p99(eventLatencies).p99,
    posts,
    missingEvents: posts - eventLatencies.length,
    failedPosts,
  };
}
