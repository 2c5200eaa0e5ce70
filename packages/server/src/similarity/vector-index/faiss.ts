import { BackgroundWork } from "./background-work.js";
import { type FaissBinding, loadFaissBinding } from "./faiss-binding.js";
import { FaissVectors } from "./faiss-store.js";
import { type PartitionOptions, PartitionPolicy } from "./partition-policy.js";
import { PerUserVectorIndex } from "./per-user-index.js";

export type FaissIndexOptions = PartitionOptions & {
  /** Hears of a failed background step (the user keeps its current index). Default: a process warning. */
  onBackgroundError?: (error: unknown) => void;
};

/**
 * The faiss adapter (faiss-node, built by scripts/build-faiss.sh), or undefined when faiss-node cannot be loaded.
 * Each user has an inverted-file index (IndexIVFFlat, inner product): exact below the partition threshold, and
 * approximate above it, where it scans only the lists nearest to the query (see ./partition-policy.ts).
 */
export function loadFaissIndex(
  dimensions: number,
  options?: FaissIndexOptions,
): PerUserVectorIndex | undefined {
  const loaded = loadFaissBinding();
  return "binding" in loaded ? createFaissVectorIndex(loaded.binding, dimensions, options) : undefined;
}

export function createFaissVectorIndex(
  binding: FaissBinding,
  dimensions: number,
  { onBackgroundError = warn, ...partitioning }: FaissIndexOptions = {},
): PerUserVectorIndex {
  const work = new BackgroundWork(onBackgroundError);
  const context = { binding, dimensions, policy: new PartitionPolicy(partitioning), work };
  return new PerUserVectorIndex("faiss", dimensions, {
    empty: () => FaissVectors.fromRows(context, new Float64Array(0), new Float32Array(0)),
    fromRows: (_, ids, vectors) => FaissVectors.fromRows(context, ids, vectors),
    settled: () => work.settled(),
  });
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), "VectorIndexWarning");
}
