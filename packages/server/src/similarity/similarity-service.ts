import type { FastifyBaseLogger } from "fastify";
import type { Metrics } from "../observability/metrics.js";
import type { PromptEmbedding, Storage, StoredPrompt } from "../storage/index.js";
import { embeddableText } from "./embeddable-text.js";
import { BatchingEmbedder, createEmbedder, type Embedder } from "./embeddings/index.js";
import { IndexSync } from "./index-sync.js";
import { rankHybrid } from "./ranking/index.js";
import { SemanticIndex } from "./semantic-index.js";
import { SnapshotFile } from "./snapshot-file.js";
import { createVectorIndex, type VectorIndexKind } from "./vector-index/index.js";

export interface SimilarityOptions {
  storage: Storage;
  log: FastifyBaseLogger;
  metrics: Metrics;
  dataDir: string;
  /** EMBEDDINGS: `bundled`, `transformers:<model>` or `openai:<model>`. */
  embeddings: string;
  vectorIndex: VectorIndexKind;
  openaiApiKey?: string | undefined;
  openaiBaseUrl?: string | undefined;
  /** How often to look for prompts created by other instances. Default 500 ms. */
  pollIntervalMs?: number;
  /** How often to rewrite the index snapshot when it changed. Default 60 s. */
  snapshotIntervalMs?: number;
}

export interface SimilarResult extends StoredPrompt {
  score: number;
}

/** Candidates taken from each of the dense and lexical indexes before the hybrid ranking picks the best k. */
const CANDIDATES_PER_INDEX = 50;

/**
 * Semantic search over each user's own prompts: embeds prompts as they are created, keeps the index in step with
 * the database (see IndexSync), and ranks a query's candidates by meaning and shared words (see rankHybrid).
 */
export class SimilarityService {
  private constructor(
    private readonly embedder: Embedder,
    private readonly index: SemanticIndex,
    private readonly sync: IndexSync,
    private readonly options: SimilarityOptions,
  ) {}

  static async open(options: SimilarityOptions): Promise<SimilarityService> {
    const model = await createEmbedder(options.embeddings, {
      openaiApiKey: options.openaiApiKey,
      openaiBaseUrl: options.openaiBaseUrl,
      cacheDir: `${options.dataDir}/models`,
    });
    const embedder = new BatchingEmbedder(model);
    const index = new SemanticIndex(createVectorIndex(options.vectorIndex, embedder.dimensions));
    options.metrics.observeVectorIndexSize(() => index.vectors.size());
    const sync = new IndexSync({
      storage: options.storage,
      embedder,
      index,
      snapshot: new SnapshotFile(options.dataDir, embedder.id),
      log: options.log,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      snapshotIntervalMs: options.snapshotIntervalMs ?? 60_000,
    });
    try {
      await sync.start();
    } catch (error) {
      await embedder.close();
      throw error;
    }
    options.log.info({ model: embedder.id, index: index.vectors.kind }, "similarity search ready");
    return new SimilarityService(embedder, index, sync, options);
  }

  /** The vector a prompt is stored with, computed before it is stored so that both land in one row. */
  async embed(text: string): Promise<PromptEmbedding> {
    const end = this.options.metrics.embeddingDuration.startTimer();
    try {
      const [vector] = await this.embedder.embed([embeddableText(text)]);
      return { vector: vector as Float32Array, model: this.embedder.id };
    } finally {
      end();
    }
  }

  /** Makes a committed prompt searchable at once on this instance (the others pick it up by polling). */
  indexStored(prompt: StoredPrompt, embedding: PromptEmbedding): void {
    this.index.add(prompt.userId, prompt.id, prompt.prompt, embedding.vector);
    this.sync.markChanged();
  }

  /** The user's prompts most similar to `query`, best first; only ever the user's own. */
  async search(userId: number, query: string, k: number, minScore = 0): Promise<SimilarResult[]> {
    const { vector } = await this.embed(query);
    const end = this.options.metrics.similaritySearchDuration.startTimer();
    try {
      const ids = this.index.candidates(userId, { text: query, vector }, Math.max(CANDIDATES_PER_INDEX, k));
      // Read back with the user's id in the query too: isolation does not rest on the index alone.
      const rows = await this.options.storage.embeddings.withEmbeddings(ids, this.embedder.id, userId);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const candidates = rows.flatMap((row) =>
        row.vector ? [{ id: row.id, text: row.prompt, vector: row.vector }] : [],
      );
      const ranked = rankHybrid({ text: query, vector }, candidates, k, {
        statistics: this.index.lexicalOf(userId),
        denseLanguages: this.embedder.languages,
      });
      return ranked.flatMap((result) => {
        const row = byId.get(result.id);
        if (!row || result.score < minScore) return [];
        const { vector: _vector, ...prompt } = row;
        return [{ ...prompt, score: result.score }];
      });
    } finally {
      end();
    }
  }

  async close(): Promise<void> {
    await this.sync.close();
    await this.embedder.close();
  }
}
