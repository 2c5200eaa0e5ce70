/**
 * Embedding throughput of the model the server uses (EMBEDDINGS, default bundled), in texts per second:
 *  - single: one text per model call, one call at a time (what a server without batching does);
 *  - micro-batched: the server's FairScheduler, with many callers (users) each embedding one text at a time
 *    (concurrent requests), cache off so that every text reaches the model;
 *  - batched: the model alone on full batches of 32, one at a time (one worker thread), the most it can do: the
 *    limit of POST /api/prompts throughput.
 * The model runs in the server's worker threads (EMBEDDING_THREADS, default cores − 1).
 * The three alternate over a few rounds, so that a noisy neighbour slows them alike and the ratios hold.
 *
 *   npx tsx bench/embeddings.ts [--texts 600] [--rounds 2]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  createEmbedder,
  type Embedder,
  FairScheduler,
  WorkerPoolEmbedder,
} from "../packages/server/src/similarity/embeddings/index.js";
import { round } from "./support/stats.js";
import { PromptTexts } from "./support/texts.js";

export interface EmbeddingBenchOptions {
  /** Texts each mode embeds per round. */
  texts: number;
  rounds: number;
  /** Concurrent callers of the micro-batched mode. */
  concurrency: number;
  embeddings?: string;
}

export interface EmbeddingBenchResult {
  model: string;
  singlePerSecond: number;
  microBatchedPerSecond: number;
  batchedPerSecond: number;
  /** microBatched ÷ single. */
  speedup: number;
}

/** Texts per model call in the batched mode: the scheduler's batch size. */
export const EMBEDDING_BATCH = 32;

export async function benchEmbeddings(options: EmbeddingBenchOptions): Promise<EmbeddingBenchResult> {
  const model = await createEmbedder(options.embeddings ?? "bundled", { cacheDir: undefined });
  const batching = new FairScheduler(model, {
    concurrency: model instanceof WorkerPoolEmbedder ? model.threads : 4,
    cacheSize: 0,
    queueLimit: { total: options.texts, perOwner: options.texts },
  });
  const texts = new PromptTexts(7, "e");
  const totals = { single: { texts: 0, ms: 0 }, micro: { texts: 0, ms: 0 }, batched: { texts: 0, ms: 0 } };
  try {
    // Untimed: the first calls compile the model's kernels.
    await model.embed(texts.take(EMBEDDING_BATCH));
    await model.embed(texts.take(1));
    for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
      // Single calls are slow: a quarter as many texts gives as long a measurement.
      const singleCount = Math.max(4, Math.round(options.texts / 4));
      add(totals.single, singleCount, await timed(() => sequential(model, texts.take(singleCount))));
      add(
        totals.micro,
        options.texts,
        await timed(() => concurrent(batching, texts.take(options.texts), options.concurrency)),
      );
      const batches = Math.max(1, Math.round(options.texts / EMBEDDING_BATCH));
      add(
        totals.batched,
        batches * EMBEDDING_BATCH,
        await embedInBatches(model, batches, () => texts.take(EMBEDDING_BATCH)),
      );
    }
  } finally {
    await batching.close();
    await model.close();
  }
  const perSecond = (total: { texts: number; ms: number }) => (total.texts * 1000) / total.ms;
  return {
    model: model.id,
    singlePerSecond: round(perSecond(totals.single), 1),
    microBatchedPerSecond: round(perSecond(totals.micro), 1),
    batchedPerSecond: round(perSecond(totals.batched), 1),
    speedup: round(perSecond(totals.micro) / perSecond(totals.single)),
  };
}

function add(total: { texts: number; ms: number }, texts: number, ms: number): void {
  total.texts += texts;
  total.ms += ms;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Milliseconds the model takes for `batches` calls, one at a time, each with the texts `batch(index)` gives. */
export function embedInBatches(
  model: Embedder,
  batches: number,
  batch: (index: number) => string[],
): Promise<number> {
  return timed(async () => {
    for (let index = 0; index < batches; index++) await model.embed(batch(index));
  });
}

async function sequential(embedder: Embedder, texts: string[]): Promise<void> {
  for (const text of texts) await embedder.embed([text]);
}

/** `concurrency` callers (users), each embedding one text at a time until none is left. */
async function concurrent(scheduler: FairScheduler, texts: string[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      while (next < texts.length) await scheduler.embed(`user:${caller}`, [texts[next++] as string]);
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      texts: { type: "string", default: "600" },
      rounds: { type: "string", default: "2" },
      concurrency: { type: "string", default: "64" },
    },
  });
  console.table(
    await benchEmbeddings({
      texts: Number(values.texts),
      rounds: Number(values.rounds),
      concurrency: Number(values.concurrency),
    }),
  );
}
