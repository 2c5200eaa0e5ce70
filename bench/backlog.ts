/**
 * The backlog of vectors under a sustained write overload (issue 26, finding 5): `users` post distinct prompts of
 * about 300 characters back to back, unthrottled, for `seconds`, far faster than the embedding model can follow.
 * The server (on PostgreSQL, so that the stored rows are not in its memory) keeps a bounded window of prompts in the
 * model's queue and leaves the others in the database; its RSS is sampled throughout. After the writes stop, the
 * backlog drains: its rate is compared with the rate at which the model embedded during the writes, and with the model
 * alone on the same kind of text once the server has stopped (their made-up words cost the model more than ordinary
 * questions: its vocabulary splits them into many pieces).
 */
import { Agent, request } from "undici";
import { createEmbedder } from "../packages/server/src/similarity/embeddings/index.js";
import { createTestSchema } from "../packages/testkit/src/services.js";
import { EMBEDDING_BATCH, embedInBatches } from "./embeddings.js";
import type { BenchRow } from "./index.js";
import { storedVectors } from "./prompt-throughput.js";
import type { DataDirs } from "./support/data-dirs.js";
import { MB, round, sleep } from "./support/stats.js";
import { startTarget } from "./support/target.js";

export interface BacklogOptions {
  users: number;
  seconds: number;
  /** How long to wait for the backlog to drain after the writes (300 s in full; the smoke only proves the harness). */
  drainLimitSeconds: number;
  /** Full batches of 32 such prompts that the model alone embeds, timed. */
  modelAloneBatches: number;
  dataDirs: DataDirs;
}

export interface BacklogResult {
  created: number;
  /** RSS once the writes have run a few seconds, its highest while they ran, and when they stopped. */
  rssWarmMb: number;
  /** The JS heap after a full GC, at the same warm point and when the writes stopped: where a queue would grow. */
  heapWarmMb: number;
  heapEndMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  /** Prompts without a vector when the writes stopped, and when the run stopped waiting (drainLimitSeconds). */
  backlogAtStop: number;
  backlogLeft: number;
  /** Vectors stored per second while the writes ran, and while the backlog drained afterwards. */
  embeddedPerSecondDuringWrites: number;
  drainPerSecond: number;
  drainSeconds: number;
  /** The model alone on full batches of 32 of such prompts, one worker thread, after the server stopped. */
  modelAlonePerSecond: number;
  failures: number;
}

/** The RSS is read as "warm" this far into the writes: the model and the connections are up by then. */
const WARM_FRACTION = 0.2;

/** A prompt of about 300 characters, distinct for each user and serial number. */
function backlogPrompt(user: number, sent: number): string {
  const words = Array.from({ length: 40 }, (_, word) => `w${(user * 7919 + sent * 104_729 + word) % 99_991}`);
  return `backlog ${user} ${sent}: ${words.join(" ")}`;
}

/** Texts per second of the model alone on full batches of such prompts (untimed first batch: kernels compile). */
async function modelAlone(batches: number): Promise<number> {
  const model = await createEmbedder("bundled", { cacheDir: undefined });
  try {
    const batch = (index: number) =>
      Array.from({ length: EMBEDDING_BATCH }, (_, at) => backlogPrompt(-1, index * EMBEDDING_BATCH + at));
    await model.embed(batch(-1));
    return (batches * EMBEDDING_BATCH * 1000) / (await embedInBatches(model, batches, batch));
  } finally {
    await model.close();
  }
}

export async function benchBacklog(options: BacklogOptions): Promise<BacklogResult> {
  const result = await overloadThenDrain(options);
  // After the server has stopped, so that the two do not share the cores.
  return { ...result, modelAlonePerSecond: round(await modelAlone(options.modelAloneBatches), 1) };
}

async function overloadThenDrain(
  options: BacklogOptions,
): Promise<Omit<BacklogResult, "modelAlonePerSecond">> {
  const schema = await createTestSchema("backlog");
  const target = await startTarget({
    dataDir: await options.dataDirs.empty("backlog"),
    databaseUrl: schema.databaseUrl,
    schema: schema.name,
    promptRateLimits: "100000/s",
    newUsers: options.users,
    logLevel: "warn",
  });
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  try {
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    let created = 0;
    let failures = 0;
    let sampling = true;
    const rss: Array<{ at: number; bytes: number }> = [];
    let heapWarm = Number.NaN;
    const heapProbe = (async () => {
      await sleep(WARM_FRACTION * options.seconds * 1000);
      heapWarm = (await target.memory(true)).heapUsed;
    })();
    const sampler = (async () => {
      while (sampling) {
        rss.push({ at: performance.now() - started, bytes: (await target.memory(false)).rss });
        await sleep(500);
      }
    })();
    await Promise.all(
      target.users.map(async (user, index) => {
        for (let sent = 0; performance.now() < deadline; sent++) {
          try {
            const response = await request(`${target.url}/api/prompts`, {
              method: "POST",
              dispatcher: agent,
              headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
              body: JSON.stringify({ prompt: backlogPrompt(index, sent) }),
            });
            await response.body.text();
            if (response.statusCode === 201) created++;
            else failures++;
          } catch {
            failures++;
          }
        }
      }),
    );
    const stopped = performance.now();
    sampling = false;
    await Promise.all([sampler, heapProbe]);
    const heapEnd = (await target.memory(true)).heapUsed;
    const storedAtStop = await storedVectors(target.url, agent);
    const giveUp = stopped + options.drainLimitSeconds * 1000;
    let stored = storedAtStop;
    while (stored < created && performance.now() < giveUp) {
      await sleep(250);
      stored = await storedVectors(target.url, agent);
    }
    const drained = performance.now();
    const writeSeconds = (stopped - started) / 1000;
    const drainSeconds = (drained - stopped) / 1000;
    const warm = rss.find((sample) => sample.at >= WARM_FRACTION * writeSeconds * 1000) ?? rss[0];
    return {
      created,
      rssWarmMb: round((warm?.bytes ?? Number.NaN) / MB, 0),
      rssPeakMb: round(Math.max(...rss.map((sample) => sample.bytes)) / MB, 0),
      rssEndMb: round((rss.at(-1)?.bytes ?? Number.NaN) / MB, 0),
      heapWarmMb: round(heapWarm / MB, 1),
      heapEndMb: round(heapEnd / MB, 1),
      backlogAtStop: created - storedAtStop,
      backlogLeft: created - stored,
      embeddedPerSecondDuringWrites: round(storedAtStop / writeSeconds, 1),
      drainPerSecond: round((stored - storedAtStop) / drainSeconds, 1),
      drainSeconds: round(drainSeconds, 1),
      failures,
    };
  } finally {
    await agent.close();
    await target.stop();
    await schema.drop();
  }
}

/** The section's rows of the table: memory flat under the overload, and the drain at the model's pace. */
export function backlogRows(result: BacklogResult): BenchRow[] {
  const heapGrowth = round(result.heapEndMb - result.heapWarmMb, 1);
  const pace = round(result.drainPerSecond / result.modelAlonePerSecond, 2);
  return [
    {
      id: "backlog",
      measurement:
        `memory while posting ${result.created} prompts of ~300 characters unthrottled (${result.failures} failures): ` +
        `heap after GC after warm-up → when the writes stopped (RSS ${result.rssWarmMb} → highest ${result.rssPeakMb} ` +
        `→ ${result.rssEndMb} MB)`,
      result: `${result.heapWarmMb} → ${result.heapEndMb} MB (${heapGrowth >= 0 ? "+" : ""}${heapGrowth} MB)`,
      goal: "flat (< 20 MB)",
      verdict: heapGrowth < 20 && result.failures === 0 ? "meets" : "misses",
    },
    {
      id: "backlog",
      measurement:
        `backlog of ${result.backlogAtStop} prompts without a vector when the writes stopped (vectors stored during ` +
        `them: ${result.embeddedPerSecondDuringWrites}/s), ${result.backlogLeft} left after ${result.drainSeconds} s: ` +
        "drain rate ÷ the model alone on such prompts, batches of 32, one worker thread",
      result: `${result.drainPerSecond} ÷ ${result.modelAlonePerSecond} /s = ${pace}`,
      goal: "≥ 0.7, none left",
      verdict: pace >= 0.7 && result.backlogLeft === 0 ? "meets" : "misses",
    },
  ];
}
