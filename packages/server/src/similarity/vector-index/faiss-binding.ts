import { createRequire } from "node:module";

/**
 * The part of faiss-node (an optional peer with a native addon) that the faiss adapter uses, typed here so
 * that the project compiles whether or not faiss-node is installed.
 */
export interface FaissIndex {
  ntotal(): number;
  /** Appends rows (a multiple of the dimensions), labelled ntotal(), ntotal() + 1, … in order. */
  add(rows: number[]): void;
  /** `k` must not exceed ntotal(). Distances are inner products, best first; missing hits have label -1. */
  search(query: number[], k: number): { distances: number[]; labels: number[] };
  /** The index in faiss' own serialization (write_index). */
  toBuffer(): Buffer;
}

export interface FaissBinding {
  Index: {
    /** Reads faiss' own serialization (read_index), whatever the index type. */
    fromBuffer(buffer: Buffer): FaissIndex;
  };
}

export type FaissLoadResult = { binding: FaissBinding } | { error: Error };

/** Loads faiss-node; fails when it is not installed or its addon was not built (see scripts/build-faiss.sh). */
export function loadFaissBinding(): FaissLoadResult {
  // faiss runs IndexIVF::add in an OpenMP parallel region: waking the other threads for one row costs more than the
  // row, most of all on a busy machine (figures in BENCHMARKS.md), and single-query searches never use them.
  // libgomp reads this when faiss-node's addon loads it, so it must be set before; an operator's value wins.
  process.env.OMP_NUM_THREADS ??= "1";
  try {
    const require = createRequire(import.meta.url);
    return { binding: require("faiss-node") as FaissBinding };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
