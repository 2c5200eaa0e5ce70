import { ConfigError } from "../../errors.js";
import { BundledEmbedder } from "./bundled.js";
import { OpenAiEmbedder } from "./openai.js";
import type { Embedder } from "./port.js";
import { parseEmbeddingsSpec } from "./spec.js";
import { TransformersEmbedder } from "./transformers.js";

export { BatchingEmbedder, type BatchingOptions } from "./batching.js";
export { BundledEmbedder } from "./bundled.js";
export { OpenAiEmbedder, type OpenAiEmbedderOptions } from "./openai.js";
export type { Embedder } from "./port.js";
export { type EmbeddingsSpec, parseEmbeddingsSpec } from "./spec.js";
export { TransformersEmbedder } from "./transformers.js";

export interface EmbedderOptions {
  /** Required by `openai:<model>`. */
  openaiApiKey?: string;
  /** Default https://api.openai.com/v1. */
  openaiBaseUrl?: string;
  /** Where `transformers:<hub id>` keeps downloaded models, e.g. under DATA_DIR. */
  cacheDir?: string;
}

/**
 * The embedder the EMBEDDINGS setting names, loaded and ready: `bundled` (the default, offline), a Transformers.js
 * model, or an OpenAI-compatible API. Throws a ConfigError naming EMBEDDINGS for a malformed setting.
 */
export async function createEmbedder(spec: string, options: EmbedderOptions = {}): Promise<Embedder> {
  const parsed = parseEmbeddingsSpec(spec);
  switch (parsed.kind) {
    case "bundled":
      return BundledEmbedder.load();
    case "transformers":
      return TransformersEmbedder.load(parsed.model, { cacheDir: options.cacheDir });
    case "openai":
      if (!options.openaiApiKey)
        throw new ConfigError("EMBEDDINGS", `is ${spec.trim()} but OPENAI_API_KEY is not set`);
      return OpenAiEmbedder.connect({
        apiKey: options.openaiApiKey,
        model: parsed.model,
        baseUrl: options.openaiBaseUrl,
      });
  }
}
