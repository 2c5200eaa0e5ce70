import { ConfigError } from "../../errors.js";
import { createExactVectorIndex } from "./exact.js";
import { createFaissVectorIndex } from "./faiss.js";
import { loadFaissBinding } from "./faiss-binding.js";
import type { VectorIndex } from "./port.js";

export { createExactVectorIndex } from "./exact.js";
export { loadFaissIndex } from "./faiss.js";
export type { SearchHit, VectorIndex } from "./port.js";

export type VectorIndexKind = "faiss" | "exact" | "auto";

/**
 * The index VECTOR_INDEX asks for. `auto` takes faiss when faiss-node loads and the exact JavaScript index
 * otherwise; `faiss` insists, so a deployment that counts on it fails at start rather than running without it.
 */
export function createVectorIndex(kind: VectorIndexKind, dimensions: number): VectorIndex {
  if (kind === "exact") return createExactVectorIndex(dimensions);
  const loaded = loadFaissBinding();
  if ("binding" in loaded) return createFaissVectorIndex(loaded.binding, dimensions);
  if (kind === "auto") return createExactVectorIndex(dimensions);
  throw new ConfigError(
    "VECTOR_INDEX",
    `is "faiss" but faiss-node cannot be loaded (${loaded.error.message.split("\n")[0]}). Install libfaiss-dev ` +
      "(apt-get install -y libfaiss-dev), install faiss-node with --ignore-scripts and build its addon with " +
      'scripts/build-faiss.sh; or set VECTOR_INDEX to "auto" or "exact".',
  );
}
