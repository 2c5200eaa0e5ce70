import { loadFaissIndex } from "../../../src/similarity/vector-index/index.js";
import type { PerUserVectorIndex } from "../../../src/similarity/vector-index/per-user-index.js";

export const HOW_TO_BUILD =
  "faiss-node cannot be loaded: install libfaiss-dev (apt-get install -y libfaiss-dev), then run scripts/build-faiss.sh";

/** Fails (never skips) when faiss is missing: the faiss tests are how CI knows the faiss build works. */
export function createFaiss(dimensions: number): PerUserVectorIndex {
  const index = loadFaissIndex(dimensions);
  if (!index) throw new Error(HOW_TO_BUILD);
  return index;
}
