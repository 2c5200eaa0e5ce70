import { BundledEmbedder } from "./bundled.js";
import type { Embedder } from "./port.js";
import { TransformersEmbedder } from "./transformers.js";

/** A model computed on this machine, as a worker thread is told to load it. */
export type LocalModelSpec = { kind: "bundled" } | { kind: "transformers"; model: string; cacheDir?: string };

/** Loads a local model in the calling thread: a worker of the pool, or a test of the adapter itself. */
export function loadLocalModel(spec: LocalModelSpec): Promise<Embedder> {
  return spec.kind === "bundled"
    ? BundledEmbedder.load()
    : TransformersEmbedder.load(spec.model, { cacheDir: spec.cacheDir });
}
