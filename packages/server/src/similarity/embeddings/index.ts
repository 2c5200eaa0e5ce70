import { ConfigError } from "../../errors.js";
import { OpenAiEmbedder } from "./openai.js";
import type { Embedder } from "./port.js";
import { defaultEmbeddingThreads, parseEmbeddingsSpec } from "./spec.js";
import { localModelFolder } from "./transformers.js";
import { WorkerPoolEmbedder } from "./worker-pool.js";

export { BundledEmbedder } from "./bundled.js";
export { EventLoopLoad } from "./event-loop-load.js";
export {
  type Burst,
  EmbeddingQueueFullError,
  FairScheduler,
  type FairSchedulerOptions,
  type QueueLimit,
} from "./fair-scheduler.js";
export { OpenAiEmbedder, type OpenAiEmbedderOptions } from "./openai.js";
export type { Embedder } from "./port.js";
export {
  defaultEmbeddingMaxThreads,
  defaultEmbeddingThreads,
  type EmbeddingsSpec,
  parseEmbeddingsSpec,
} from "./spec.js";
export { TransformersEmbedder } from "./transformers.js";
export { WorkerPoolEmbedder, type WorkerPoolSize } from "./worker-pool.js";

/** The resolved settings of the OpenAI-compatible API (the server's options carry them under these names). */
interface OpenAiSettings {
  openaiApiKey: string | undefined;
  openaiBaseUrl: string;
  /** Milliseconds. */
  llmTimeout: number;
}

interface EmbedderOptions {
  /** Required by `openai:<model>`, with a key. */
  openai?: OpenAiSettings;
  /** Where `transformers:<hub id>` keeps downloaded models, e.g. under DATA_DIR. */
  cacheDir?: string;
  /** Worker threads that run a local model (bundled, Transformers.js). Default: cores − 1, at least 1. */
  threads?: number;
  /** Most such threads while batches wait (see WorkerPoolEmbedder). Default: `threads`. */
  maxThreads?: number;
  /** Milliseconds after which a worker with no batch exits, freeing its model (see WorkerPoolEmbedder). */
  idleTimeoutMs?: number;
}

/**
 * The embedder the EMBEDDINGS setting names, loaded and ready: `bundled` (the default, offline) or a Transformers.js
 * model, each in worker threads; or an OpenAI-compatible API. Throws a ConfigError naming EMBEDDINGS for a malformed
 * setting.
 */
export async function createEmbedder(spec: string, options: EmbedderOptions = {}): Promise<Embedder> {
  const parsed = parseEmbeddingsSpec(spec);
  const size = {
    threads: options.threads ?? defaultEmbeddingThreads(),
    maxThreads: options.maxThreads,
    idleTimeoutMs: options.idleTimeoutMs,
  };
  switch (parsed.kind) {
    case "bundled":
      return WorkerPoolEmbedder.start({ kind: "bundled" }, size);
    case "transformers":
      // Checked here, where a ConfigError keeps its class: a worker's error reaches this thread as a plain Error.
      await localModelFolder(parsed.model);
      return WorkerPoolEmbedder.start(
        { kind: "transformers", model: parsed.model, cacheDir: options.cacheDir },
        size,
      );
    case "openai": {
      const { openai } = options;
      if (!openai?.openaiApiKey)
        throw new ConfigError("EMBEDDINGS", `is ${spec.trim()} but OPENAI_API_KEY is not set`);
      return OpenAiEmbedder.connect({
        apiKey: openai.openaiApiKey,
        model: parsed.model,
        baseUrl: openai.openaiBaseUrl,
        timeoutMs: openai.llmTimeout,
      });
    }
  }
}
