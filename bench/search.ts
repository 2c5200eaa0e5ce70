/**
 * (c) GET /api/prompts/similar latency, p50/p99, at 100 to 100k stored prompts of one user, over real sockets, one
 * query at a time, each a text the server has not embedded before (the query's embedding is part of the cost); and
 * (e) the server's resident memory per 100k stored prompts: the RSS growth from 10k to 100k, scaled.
 * The prompts are written straight into the embedded database (see support/seed.ts); the server then starts on it
 * (loading nothing: the user's index is loaded by the first, untimed, searches).
 */
import { Agent } from "undici";
import type { DataDirs } from "./support/data-dirs.js";
import { seedPrompts } from "./support/seed.js";
import { MB, p50p99, round } from "./support/stats.js";
import { similarSearch, startTarget } from "./support/target.js";
import { PromptTexts } from "./support/texts.js";

export interface SearchBenchOptions {
  /** Increasing sizes; memory per 100k comes from the first and the last. */
  sizes: number[];
  queries: number;
  dataDirs: DataDirs;
}

export interface SearchRow {
  prompts: number;
  p50Ms: number;
  p99Ms: number;
  /** Server start on this many prompts. */
  startupMs: number;
  rssMb: number;
  /** JS heap after a full GC, plus memory outside it (ArrayBuffers, WebAssembly, native). */
  heapMb: number;
  externalMb: number;
  vectorIndex: string;
}

export interface SearchBenchResult {
  rows: SearchRow[];
  /** (RSS at the largest size − RSS at the smallest) per 100,000 prompts; undefined with one size. */
  rssMbPer100k: number | undefined;
}

export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const dataDir = await options.dataDirs.withDatabase("search");
  const rows: SearchRow[] = [];
  let userId: number | undefined;
  let stored = 0;
  const queries = new PromptTexts(23, "q");
  for (const size of options.sizes) {
    userId = await seedPrompts({ dataDir, count: size - stored, userId, seed: 1000 + stored });
    stored = size;
    // Latency one query at a time, faster than the default 2 searches a second a user may make.
    const target = await startTarget({ dataDir, tokenUserIds: [userId], searchRateLimits: "1000/s" });
    const agent = new Agent();
    try {
      const token = target.users[0]?.token as string;
      const search = async (text: string) => {
        const started = performance.now();
        const found = await similarSearch(target, agent, token, text, 5);
        if (found.length !== 5) throw new Error(`search found ${found.length} prompts, not 5`);
        return performance.now() - started;
      };
      for (const text of queries.take(10)) await search(text);
      const latencies: number[] = [];
      for (const text of queries.take(options.queries)) latencies.push(await search(text));
      const memory = await target.memory(true);
      const { p50, p99 } = p50p99(latencies);
      rows.push({
        prompts: size,
        p50Ms: p50,
        p99Ms: p99,
        startupMs: Math.round(target.startupMs),
        rssMb: round(memory.rss / MB, 1),
        heapMb: round(memory.heapUsed / MB, 1),
        externalMb: round(memory.external / MB, 1),
        vectorIndex: target.vectorIndex,
      });
    } finally {
      await agent.close();
      await target.stop();
    }
  }
  const first = rows[0] as SearchRow;
  const last = rows.at(-1) as SearchRow;
  return {
    rows,
    rssMbPer100k:
      last.prompts > first.prompts
        ? round(((last.rssMb - first.rssMb) * 100_000) / (last.prompts - first.prompts), 1)
        : undefined,
  };
}
