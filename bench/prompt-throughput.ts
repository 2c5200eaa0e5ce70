/**
 * (b) POST /api/prompts throughput with the mock LLM, many users each within the default throttle (1/s, 10/min):
 * every virtual user waits `spacingMs` (more than a second) between its requests and sends at most 10. Offered more
 * than the server can answer, the closed loop measures its capacity. Answers are stored before their vectors, so a
 * prompt counts when it is searchable: the rate is the prompts created over the time from the first request until
 * every one of them has its vector stored (read from /metrics). Ratio against the batched throughput of the same embedding
 * model alone (see embeddings.ts): each prompt is embedded once, so that is the ceiling.
 */
import { Agent, request } from "undici";
import type { DataDirs } from "./support/data-dirs.js";
import { round, sleep } from "./support/stats.js";
import { startTarget } from "./support/target.js";
import { PromptTexts } from "./support/texts.js";

export interface PromptThroughputOptions {
  users: number;
  /** Length of the run; at most ~11 s so that no user needs more than the 10 requests a minute allows. */
  seconds: number;
  /** Completions in the first `warmupSeconds` are not counted. */
  warmupSeconds: number;
  /** Between two requests of one user; over 1 s, with a margin for arrival jitter. */
  spacingMs: number;
  dataDirs: DataDirs;
}

export interface PromptThroughputResult {
  users: number;
  /** Prompts created ÷ seconds from the first request until all of them were searchable. */
  perSecond: number;
  /** Of the run's seconds, those spent after the last 201 waiting for the index to hold every prompt. */
  searchableLagSeconds: number;
  created: number;
  throttled: number;
  /** Other statuses and connection errors: should be 0. */
  failures: number;
  latencyP50Ms: number;
}

const PER_MINUTE = 10;

export async function benchPromptThroughput(
  options: PromptThroughputOptions,
): Promise<PromptThroughputResult> {
  const target = await startTarget({
    dataDir: await options.dataDirs.withDatabase("prompts"),
    newUsers: options.users,
  });
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  try {
    const texts = new PromptTexts(11, "t");
    const url = `${target.url}/api/prompts`;
    const storedBefore = await storedVectors(target.url, agent);
    const started = performance.now();
    const countFrom = started + options.warmupSeconds * 1000;
    const deadline = started + options.seconds * 1000;
    const completions: number[] = [];
    const latencies: number[] = [];
    let throttled = 0;
    let failures = 0;

    await Promise.all(
      target.users.map(async (user) => {
        // Users start spread over one spacing, as independent people would.
        await sleep(Math.random() * options.spacingMs);
        let last = Number.NEGATIVE_INFINITY;
        for (let sent = 0; sent < PER_MINUTE; sent++) {
          const wait = last + options.spacingMs - performance.now();
          if (wait > 0) await sleep(wait);
          if (performance.now() >= deadline) return;
          last = performance.now();
          try {
            const response = await request(url, {
              method: "POST",
              dispatcher: agent,
              headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
              body: JSON.stringify({ prompt: texts.next() }),
            });
            await response.body.text();
            const now = performance.now();
            if (response.statusCode === 201) {
              completions.push(now);
              latencies.push(now - last);
            } else if (response.statusCode === 429) throttled++;
            else failures++;
          } catch {
            failures++;
          }
        }
      }),
    );
    const lastAnswer = Math.max(...completions);
    const giveUp = performance.now() + 120_000;
    while ((await storedVectors(target.url, agent)) < storedBefore + completions.length) {
      if (performance.now() > giveUp)
        throw new Error("the prompts' vectors were not all stored within 2 minutes");
      await sleep(20);
    }
    const searchable = performance.now();
    // Warm-up completions and their time are left out of the rate alike.
    const counted = completions.filter((time) => time >= countFrom).length;
    latencies.sort((a, b) => a - b);
    return {
      users: options.users,
      perSecond: round((counted * 1000) / (searchable - countFrom), 1),
      searchableLagSeconds: round((searchable - lastAnswer) / 1000, 2),
      created: completions.length,
      throttled,
      failures,
      latencyP50Ms: Math.round(latencies[Math.floor(latencies.length / 2)] ?? Number.NaN),
    };
  } finally {
    await agent.close();
    await target.stop();
  }
}

/** Prompt vectors the server computed and stored, from its embeddings_stored_total metric. */
export async function storedVectors(url: string, agent: Agent): Promise<number> {
  const response = await request(`${url}/metrics`, { dispatcher: agent });
  const text = await response.body.text();
  return Number(/^embeddings_stored_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}
