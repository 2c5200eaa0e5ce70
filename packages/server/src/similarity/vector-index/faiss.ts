import { type FaissBinding, loadFaissBinding } from "./faiss-binding.js";
import { FaissVectors } from "./faiss-store.js";
import { PerUserVectorIndex } from "./per-user-index.js";

/**
 * The faiss adapter (faiss-node, built by scripts/build-faiss.sh), or undefined when faiss-node cannot be loaded.
 * Each user has a flat inner-product index (IndexFlatIP): exact, like the JavaScript adapter, with faiss' kernel
 * scanning the rows (search times in BENCHMARKS.md).
 */
export function loadFaissIndex(dimensions: number): PerUserVectorIndex | undefined {
  const loaded = loadFaissBinding();
  return "binding" in loaded ? createFaissVectorIndex(loaded.binding, dimensions) : undefined;
}

export function createFaissVectorIndex(binding: FaissBinding, dimensions: number): PerUserVectorIndex {
  return new PerUserVectorIndex("faiss", dimensions, {
    empty: () => new FaissVectors(binding, dimensions, new Float64Array(0), new Float32Array(0)),
    fromRows: (_, ids, vectors) => new FaissVectors(binding, dimensions, ids, vectors),
  });
}
