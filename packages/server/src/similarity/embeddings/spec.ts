import { availableParallelism } from "node:os";
import { ConfigError } from "../../errors.js";

/** The EMBEDDINGS setting, parsed. */
export type EmbeddingsSpec =
  | { kind: "bundled" }
  | { kind: "transformers"; model: string }
  | { kind: "openai"; model: string };

/**
 * `bundled`, `transformers:<model id or local path>` or `openai:<model>`. Synchronous, so that configuration can be
 * checked at start-up before any model loads.
 */
export function parseEmbeddingsSpec(spec: string): EmbeddingsSpec {
  const trimmed = spec.trim();
  if (trimmed === "bundled") return { kind: "bundled" };
  const match = /^(transformers|openai):(.+)$/.exec(trimmed);
  const model = match?.[2]?.trim();
  if (match && model) return { kind: match[1] as "transformers" | "openai", model };
  throw new ConfigError(
    "EMBEDDINGS",
    `must be "bundled", "transformers:<model id or local path>" or "openai:<model>", got ${JSON.stringify(spec)}`,
  );
}

/** EMBEDDING_THREADS' default: every core but the one that serves requests, and at least one. */
export const defaultEmbeddingThreads = (): number => Math.max(1, availableParallelism() - 1);

/**
 * EMBEDDING_MAX_THREADS' default: one thread per core while a backlog waits. Those beyond EMBEDDING_THREADS run at the
 * same low priority as the others, so the thread serving requests still comes first, and end when idle.
 */
export const defaultEmbeddingMaxThreads = (): number => availableParallelism();
