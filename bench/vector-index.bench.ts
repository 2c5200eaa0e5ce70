/**
 * Benchmark of the vector-index adapters: search latency, recall against the exact index, memory and load times,
 * for one user holding all the vectors (the worst case: search cost grows with the user's own count).
 *
 *   npx tsx bench/vector-index.bench.ts [--sizes 1000,10000,100000] [--dims 512] [--queries 200]
 *                                       [--data clustered,random] [--real 12000]
 *
 * Data sets: `clustered`, shaped like sentence embeddings (see clusteredUnitVectors); `random`, uniform on the
 * sphere; and with --real N, USE-lite embeddings of N synthetic prompts (about 12 ms each to compute).
 */
import { cpus, loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  createExactVectorIndex,
  loadFaissIndex,
} from "../packages/server/src/similarity/vector-index/index.js";
import type { PerUserVectorIndex } from "../packages/server/src/similarity/vector-index/per-user-index.js";
import {
  clusteredUnitVectors,
  randomUnitVectors,
} from "../packages/server/test/similarity/vector-index/random-vectors.js";
import { syntheticPrompts } from "../packages/server/test/similarity/vector-index/synthetic-prompts.js";

/** What the similarity service asks for; recall@5 is read from the first 5 of the same hits. */
const K = 50;
const USER = 1;

export type DataSet = "clustered" | "random";

export interface VectorIndexBenchOptions {
  sizes: number[];
  dims: number;
  queries: number;
  /** Default: clustered and random. */
  data?: DataSet[];
  /** USE-lite embeddings of this many synthetic prompts (queries included). Default 0: none. */
  real?: number;
}

export interface VectorIndexBenchRow {
  data: DataSet | "real";
  adapter: string;
  vectors: number;
  /** Adding all the vectors one by one. */
  buildMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of the exact top 5 (top 50) that the adapter returns. */
  recallAt5: number;
  recallAt50: number;
  /**
   * Memory the index holds per vector: JS heap and ArrayBuffer growth after a full GC, plus for faiss the rows it
   * keeps in native memory (the slack of its growing array is invisible from JS). RSS is no use here: memory the
   * previous index freed gets reused.
   */
  bytesPerVector: number;
  /**
   * Loading every vector into an empty index at once (replaceUser), as a user's first search after a start or an
   * eviction does once their rows are read: until searchable.
   */
  loadMs: number;
}

interface DataSetVectors {
  data: DataSet | "real";
  vectors: Float32Array[];
  queries: Float32Array[];
}

export async function benchVectorIndex(options: VectorIndexBenchOptions): Promise<VectorIndexBenchRow[]> {
  const { data = ["clustered", "random"], real = 0 } = options;
  const faissLoads = loadFaissIndex(options.dims) !== undefined;
  const rows: VectorIndexBenchRow[] = [];
  const sets: Array<() => DataSetVectors | Promise<DataSetVectors>> = options.sizes.flatMap((size) =>
    data.map((kind) => () => generated(kind, size, options)),
  );
  // Last: loading the embedder slows the JavaScript scan of the exact index by a quarter for the rest of the process.
  if (real > 0) sets.push(() => embedded(real, options.queries));

  for (const next of sets) {
    const set = await next();
    const exact = await measure(set, "exact", createExactVectorIndex);
    rows.push(exact.row);
    if (!faissLoads) continue;
    rows.push(
      (await measure(set, "faiss", (dims) => loadFaissIndex(dims) as PerUserVectorIndex, exact.hits)).row,
    );
  }
  return rows;
}

function generated(data: DataSet, size: number, options: VectorIndexBenchOptions): DataSetVectors {
  const make = data === "clustered" ? clusteredUnitVectors : randomUnitVectors;
  const vectors = make(size + options.queries, options.dims, size);
  return { data, vectors, queries: vectors.splice(size) };
}

/** Queries are prompts of their own, held out of the index. */
async function embedded(count: number, queries: number): Promise<DataSetVectors> {
  const { BundledEmbedder } = await import("../packages/server/src/similarity/embeddings/index.js");
  const embedder = await BundledEmbedder.load();
  const prompts = syntheticPrompts(count, 1);
  const vectors: Float32Array[] = [];
  for (let start = 0; start < prompts.length; start += 64) {
    vectors.push(...(await embedder.embed(prompts.slice(start, start + 64))));
  }
  await embedder.close();
  return { data: "real", vectors, queries: vectors.splice(count - queries) };
}

async function measure(
  { data, vectors, queries }: DataSetVectors,
  adapter: string,
  create: (dims: number) => PerUserVectorIndex,
  truth?: number[][],
): Promise<{ row: VectorIndexBenchRow; hits: number[][] }> {
  const dims = vectors[0]?.length ?? 0;
  const before = await retainedBytes();
  const index = create(dims);
  let started = performance.now();
  vectors.forEach((vector, id) => {
    index.add(USER, id, vector);
  });
  const buildMs = performance.now() - started;
  const native = index.kind === "faiss" ? vectors.length * dims * 4 : 0;
  const bytesPerVector = ((await retainedBytes()) - before + native) / vectors.length;

  // Untimed first searches: JIT compilation is not what p99 should report.
  for (const query of queries.slice(0, 10)) index.search(USER, query, K);
  const latencies: number[] = [];
  const hits = queries.map((query) => {
    started = performance.now();
    const found = index.search(USER, query, K);
    latencies.push(performance.now() - started);
    return found.map((hit) => hit.id);
  });
  latencies.sort((a, b) => a - b);

  const ids = Float64Array.from(vectors, (_, id) => id);
  const rows = new Float32Array(vectors.length * dims);
  vectors.forEach((vector, id) => {
    rows.set(vector, id * dims);
  });
  started = performance.now();
  const loaded = create(dims);
  loaded.replaceUser(USER, ids, rows);
  const loadMs = performance.now() - started;
  loaded.dropUser(USER);

  const row: VectorIndexBenchRow = {
    data,
    adapter,
    vectors: vectors.length,
    buildMs: round(buildMs),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    recallAt5: truth ? recall(truth, hits, 5) : 1,
    recallAt50: truth ? recall(truth, hits, K) : 1,
    bytesPerVector: Math.round(bytesPerVector),
    loadMs: round(loadMs),
  };
  return { hits, row };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function recall(truth: number[][], found: number[][], k: number): number {
  let kept = 0;
  let expected = 0;
  truth.forEach((ids, query) => {
    const answer = new Set(found[query]?.slice(0, k));
    const top = ids.slice(0, k);
    kept += top.filter((id) => answer.has(id)).length;
    expected += top.length;
  });
  return round(kept / expected, 3);
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

/**
 * JS heap and ArrayBuffers still reachable. A full GC first (`gc` needs --expose-gc, set here for tsx's sake), after
 * a turn of the event loop: V8 releases the memory of dead ArrayBuffers only then.
 */
async function retainedBytes(): Promise<number> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "1000,10000,100000" },
      dims: { type: "string", default: "512" },
      queries: { type: "string", default: "200" },
      data: { type: "string", default: "clustered,random" },
      real: { type: "string", default: "0" },
    },
  });
  const options: VectorIndexBenchOptions = {
    sizes: values.sizes.split(",").map(Number),
    dims: Number(values.dims),
    queries: Number(values.queries),
    data: values.data.split(",").filter(Boolean) as DataSet[],
    real: Number(values.real),
  };
  if (!loadFaissIndex(options.dims))
    console.warn("faiss-node cannot be loaded (scripts/build-faiss.sh): exact only");
  // Timings depend on what else the machine runs: say how busy it was.
  console.log(
    `${cpus().length} CPUs, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(" ")}`,
  );
  console.table(await benchVectorIndex(options));
}
