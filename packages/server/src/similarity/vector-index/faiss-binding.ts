import { createRequire } from "node:module";

/**
 * The part of faiss-node (an optional dependency with a native addon) that the faiss adapter uses, typed here so
 * that the project compiles whether or not faiss-node is installed.
 */
export interface FaissFlatIndex {
  ntotal(): number;
  getDimension(): number;
  /** Appends rows (a multiple of the dimensions); their labels are their positions. */
  add(rows: number[]): void;
  /** `k` must not exceed ntotal(). Distances are inner products, best first. */
  search(query: number[], k: number): { distances: number[]; labels: number[] };
  /** Removes the rows at these positions; later rows move down to close the gaps. */
  removeIds(positions: number[]): number;
  /** The index in faiss' own serialization (write_index). */
  toBuffer(): Buffer;
}

export interface FaissBinding {
  IndexFlatIP: {
    new (dimensions: number): FaissFlatIndex;
    /** Reads faiss' own serialization (read_index). */
    fromBuffer(buffer: Buffer): FaissFlatIndex;
  };
}

export type FaissLoadResult = { binding: FaissBinding } | { error: Error };

/** Loads faiss-node; fails when it is not installed or its addon was not built (see scripts/build-faiss.sh). */
export function loadFaissBinding(): FaissLoadResult {
  try {
    // The CommonJS build has an empty import.meta (esbuild), but __filename instead.
    const require = createRequire(import.meta.url ?? __filename);
    return { binding: require("faiss-node") as FaissBinding };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
