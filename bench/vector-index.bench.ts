/**
 * Benchmark of the vector-index adapters: search latency, recall against the exact index, memory and snapshot
 * times, for one user holding all the vectors (the worst case: search cost grows with the user's own count).
 *
 *   npx tsx bench/vector-index.bench.ts [--sizes 1000,10000,100000] [--dims 512] [--queries 200]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  createExactVectorIndex,
  loadFaissIndex,
  type VectorIndex,
} from "../packages/server/src/similarity/vector-index/index.js";
import { randomUnitVectors } from "../packages/server/test/similarity/vector-index/random-vectors.js";

const K = 5;
const USER = 1;

export interface VectorIndexBenchOptions {
  sizes: number[];
  dims: number;
  queries: number;
}

export interface VectorIndexBenchRow {
  adapter: VectorIndex["kind"];
  vectors: number;
  dims: number;
  /** Adding all the vectors one by one. */
  buildMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of the exact top 5 that the adapter returns. */
  recallAt5: number;
  /**
   * Memory the index holds per vector: JS heap and ArrayBuffer growth after a full GC, plus for faiss the rows it
   * keeps in native memory (dims × 4 bytes; its growth slack is invisible from JS). RSS is no use here: memory the
   * previous index freed gets reused.
   */
  bytesPerVector: number;
  serializeMs: number;
  /** Loading that snapshot into an empty index of the same adapter. */
  loadMs: number;
}

export async function benchVectorIndex(options: VectorIndexBenchOptions): Promise<VectorIndexBenchRow[]> {
  const rows: VectorIndexBenchRow[] = [];
  for (const size of options.sizes) {
    const vectors = randomUnitVectors(size, options.dims, size);
    const queries = randomUnitVectors(options.queries, options.dims, size + 1);
    const exact = await measure("exact", createExactVectorIndex, vectors, queries);
    rows.push(exact.row);
    if (loadFaissIndex(options.dims)) {
      const faiss = await measure(
        "faiss",
        (dims) => loadFaissIndex(dims) as VectorIndex,
        vectors,
        queries,
        exact.hits,
      );
      rows.push(faiss.row);
    }
  }
  return rows;
}

async function measure(
  adapter: VectorIndex["kind"],
  create: (dims: number) => VectorIndex,
  vectors: Float32Array[],
  queries: Float32Array[],
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
  const native = adapter === "faiss" ? vectors.length * dims * Float32Array.BYTES_PER_ELEMENT : 0;
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

  started = performance.now();
  const snapshot = index.serialize();
  const serializeMs = performance.now() - started;
  started = performance.now();
  create(dims).load(snapshot);
  const loadMs = performance.now() - started;

  return {
    hits,
    row: {
      adapter,
      vectors: vectors.length,
      dims,
      buildMs: round(buildMs),
      p50Ms: round(percentile(latencies, 0.5)),
      p99Ms: round(percentile(latencies, 0.99)),
      recallAt5: truth ? recall(truth, hits) : 1,
      bytesPerVector: Math.round(bytesPerVector),
      serializeMs: round(serializeMs),
      loadMs: round(loadMs),
    },
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function recall(truth: number[][], found: number[][]): number {
  let kept = 0;
  let expected = 0;
  truth.forEach((ids, query) => {
    const answer = new Set(found[query]);
    kept += ids.filter((id) => answer.has(id)).length;
    expected += ids.length;
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
    },
  });
  const options = {
    sizes: values.sizes.split(",").map(Number),
    dims: Number(values.dims),
    queries: Number(values.queries),
  };
  if (!loadFaissIndex(options.dims))
    console.warn("faiss-node cannot be loaded (scripts/build-faiss.sh): exact only");
  console.table(await benchVectorIndex(options));
}
