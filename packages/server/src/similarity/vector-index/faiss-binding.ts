import { createRequire } from "node:module";

/**
 * The part of faiss-node (an optional peer with a native addon) that the faiss adapter uses, typed here so
 * that the project compiles whether or not faiss-node is installed.
 */
export interface FaissIndex {
  /** Appends rows (a multiple of the dimensions), labelled with their position in the index, in order. */
  add(rows: number[]): void;
  /** `k` must not exceed the rows in the index. Distances are inner products, best first. */
  search(query: number[], k: number): { distances: number[]; labels: number[] };
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
  try {
    const require = createRequire(import.meta.url);
    return { binding: require("faiss-node") as FaissBinding };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
