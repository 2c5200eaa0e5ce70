import type { FastifyBaseLogger } from "fastify";
import type { Metrics } from "../observability/metrics.js";
import type { Storage, StoredPrompt } from "../storage/index.js";
import { embeddableText } from "./embeddable-text.js";
import {
  type Burst,
  type Embedder,
  EmbeddingQueueFullError,
  FairScheduler,
  type QueueLimit,
} from "./embeddings/index.js";
import { IndexSync, type StoreVector } from "./index-sync.js";
import { analyze, bestScores, combineScores, lexicalWeight } from "./ranking/index.js";
import { type ResidentUser, SemanticIndex } from "./semantic-index.js";
import type { VectorIndex } from "./vector-index/index.js";
import { cosine } from "./vector-math/dot-product.js";

export interface SimilarityOptions {
  storage: Storage;
  log: FastifyBaseLogger;
  metrics: Metrics;
  /** The loaded model (see createEmbedder); its owner closes it. */
  model: Embedder;
  /** Model calls at once: its worker threads, or a few for a remote model. */
  concurrency: number;
  /** More model calls at once while a backlog waits: the threads its pool may add (see FairScheduler's Burst). */
  burst?: Burst;
  /** EMBEDDING_QUEUE_LIMIT: texts waiting for the model, in total and per user. */
  queueLimit: QueueLimit;
  /** The users' vectors, as VECTOR_INDEX chose them (createVectorIndex, in plugin.ts): empty, this service fills it. */
  vectors: VectorIndex;
  /** INDEX_MEMORY_BUDGET: estimated bytes of the users' indexes held in memory. */
  indexMemoryBudget: number;
  /** How often to look for prompts other instances created for the resident users. Default 500 ms. */
  pollIntervalMs?: number;
}

export interface SimilarResult extends StoredPrompt {
  score: number;
}

/** Candidates taken from each of the dense and lexical indexes before the hybrid ranking picks the best k. */
const CANDIDATES_PER_INDEX = 50;

/**
 * Stored prompts whose vectors are computed from memory at once; past it, a prompt waits in the database for the
 * backlog's drain (see IndexSync), so that a write overload holds no more than this in memory.
 */
const VECTOR_WINDOW = 64;

/** Tries at a stored prompt's vector before it is left to the backlog (see IndexSync). */
const EMBED_ATTEMPTS = 3;
const EMBED_RETRY_MS = 500;

/** Whose work a text is, for the scheduler's fairness and bounds. */
const ownerOf = (userId: number) => `user:${userId}`;

/**
 * Semantic search over each user's own prompts. A prompt is stored as soon as its answer exists and is searchable by
 * its words at once; its vector follows from the model's worker threads (see FairScheduler) and is stored in its row.
 * A user's index is loaded from the database at their first search and kept while memory allows (see SemanticIndex),
 * in step with what other instances write (see IndexSync); a query is ranked by meaning and shared words from what
 * the index holds in memory: only the `k` rows returned are read from the database.
 */
export class SimilarityService {
  readonly #background = new Set<Promise<void>>();
  /** Per user, the stored prompts whose vectors are being computed on this instance. */
  readonly #pendingVectors = new Map<number, Set<Promise<void>>>();
  #closed = false;

  private constructor(
    private readonly scheduler: FairScheduler,
    private readonly index: SemanticIndex,
    private readonly sync: IndexSync,
    private readonly storeVector: StoreVector,
    private readonly options: SimilarityOptions,
  ) {}

  static async open(options: SimilarityOptions): Promise<SimilarityService> {
    const { model, metrics } = options;
    const scheduler = new FairScheduler(model, {
      concurrency: options.concurrency,
      burst: options.burst,
      queueLimit: options.queueLimit,
      onQueueLength: (length) => metrics.embeddingQueueLength.set(length),
    });
    const index = new SemanticIndex({
      vectors: options.vectors,
      budgetBytes: options.indexMemoryBudget,
      load: (userId) => options.storage.embeddings.ofUser(userId, model.id),
      onLoad: (seconds) => {
        metrics.indexLoads.inc();
        metrics.indexLoadDuration.observe(seconds);
      },
      onEvict: () => metrics.indexEvictions.inc(),
    });
    metrics.observeResidentIndex({
      vectors: () => index.vectors.size(),
      users: () => index.residentUsers,
      bytes: () => index.residentBytes,
    });
    // In the row first: a load of the user's index that starts from then on reads it there.
    const storeVector: StoreVector = async (prompt, vector) => {
      await options.storage.embeddings.setEmbedding(prompt.id, { vector, model: model.id });
      metrics.embeddingsStored.inc();
      index.add(prompt.userId, prompt.id, prompt.prompt, vector);
    };
    const sync = new IndexSync({
      storage: options.storage,
      embed: (userId, texts) => scheduler.embed(ownerOf(userId), texts, { bounded: false }),
      modelId: model.id,
      index,
      log: options.log,
      storeVector,
      pollIntervalMs: options.pollIntervalMs ?? 500,
    });
    try {
      await sync.start();
    } catch (error) {
      await scheduler.close();
      throw error;
    }
    options.log.info({ model: model.id, index: index.vectors.kind }, "similarity search ready");
    return new SimilarityService(scheduler, index, sync, storeVector, options);
  }

  /** The embedding model: its id names it in `/v1`, and a request for other dimensions is refused. */
  get embeddingModel(): { id: string; dimensions: number } {
    return { id: this.options.model.id, dimensions: this.options.model.dimensions };
  }

  /**
   * Makes a stored prompt searchable: by its words at once, by its meaning once the model has embedded it, which
   * happens in the background and is stored in its row. Never throws: a prompt whose vector cannot be computed now,
   * or that finds the window of vectors being computed full, is left to the backlog in the database.
   */
  indexStored(prompt: StoredPrompt): void {
    this.index.add(prompt.userId, prompt.id, prompt.prompt);
    if (this.#background.size >= VECTOR_WINDOW) {
      this.sync.embedBacklog();
      return;
    }
    let indexed!: () => void;
    const inIndex = new Promise<void>((resolve) => (indexed = resolve));
    const pending = this.#pendingVectors.get(prompt.userId) ?? new Set<Promise<void>>();
    this.#pendingVectors.set(prompt.userId, pending);
    pending.add(inIndex);
    const work = this.#embedStored(prompt, indexed).finally(() => {
      indexed();
      pending.delete(inIndex);
      if (pending.size === 0 && this.#pendingVectors.get(prompt.userId) === pending) {
        this.#pendingVectors.delete(prompt.userId);
      }
      this.#background.delete(work);
    });
    this.#background.add(work);
  }

  /**
   * Forgets what this instance holds of the user's prompts after some were deleted: they are never found (nor reused)
   * again, and the next search rebuilds the user's index from the database.
   */
  forgetUser(userId: number): void {
    this.index.forget(userId);
  }

  /** Resolves when every stored prompt handed to indexStored so far has its vector (or has given up). */
  async settled(): Promise<void> {
    while (this.#background.size > 0) {
      await Promise.allSettled(this.#background);
      await this.sync.drained();
    }
    await this.sync.drained();
  }

  /**
   * The user's prompts most similar to `query`, best first; only ever the user's own. Throws an
   * EmbeddingQueueFullError (an OverloadedError: 503 with Retry-After) when the model's queue is full, and an
   * embeddings provider's errors as they are.
   */
  async search(userId: number, query: string, k: number, minScore = 0): Promise<SimilarResult[]> {
    // The user's index loads (when not resident) while the model embeds the query.
    const [vector, user] = await Promise.all([this.#embedQuery(userId, query), this.index.acquire(userId)]);
    // The user's own prompts stored here a moment ago were queued for the model before this query, in the same
    // per-user queue, so their vectors are ready or nearly: a search right after a POST finds them by meaning.
    await Promise.all(this.#pendingVectors.get(userId) ?? []);
    const end = this.options.metrics.similaritySearchDuration.startTimer();
    try {
      const ranked = await this.#rank(userId, user, query, vector, k);
      const wanted = ranked.filter((result) => result.score >= minScore);
      // Read back with the user's id in the query too: isolation does not rest on the index alone.
      const rows = new Map(
        (
          await this.options.storage.prompts.getMany(
            userId,
            wanted.map((result) => result.id),
          )
        ).map((row) => [row.id, row]),
      );
      return wanted.flatMap((result) => {
        const row = rows.get(result.id);
        return row ? [{ ...row, score: result.score }] : [];
      });
    } finally {
      end();
    }
  }

  /**
   * Stops once the pages the backlog's drain has handed to the model (two at most) and the vectors being computed from
   * memory (at most the window's) are stored. What is left of the backlog waits in the database for the next instance
   * to start: waiting for all of it held a stop for as long as the model needed (minutes after a burst of prompts),
   * past the process's grace period. The model itself is closed by its owner.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.sync.close();
    await Promise.allSettled(this.#background);
    await this.scheduler.close();
  }

  /**
   * The model's vectors of a user's texts (POST /v1/embeddings), in order, through the same fair and bounded queue
   * as the queries of searches: EmbeddingQueueFullError when it is full. Texts are cut as queries are.
   */
  async embed(userId: number, texts: readonly string[]): Promise<Float32Array[]> {
    return this.#embedBounded(userId, texts.map(embeddableText));
  }

  async #embedQuery(userId: number, query: string): Promise<Float32Array> {
    const end = this.options.metrics.embeddingDuration.startTimer();
    try {
      const [vector] = await this.#embedBounded(userId, [embeddableText(query)]);
      return vector as Float32Array;
    } finally {
      end();
    }
  }

  /** Texts a user waits for, within the queue's bounds: past them, the scheduler's EmbeddingQueueFullError. */
  async #embedBounded(userId: number, texts: string[]): Promise<Float32Array[]> {
    try {
      return await this.scheduler.embed(ownerOf(userId), texts);
    } catch (error) {
      if (error instanceof EmbeddingQueueFullError) this.options.metrics.embeddingRejections.inc();
      throw error;
    }
  }

  /**
   * Candidates from the user's nearest vectors and best word matches, ranked by both scores. Vectors come from
   * memory; an index that keeps them out of JavaScript's reach (faiss) has the few word-only candidates' vectors
   * read from the database.
   */
  async #rank(userId: number, user: ResidentUser, query: string, vector: Float32Array, k: number) {
    const { index, options } = this;
    const limit = Math.max(CANDIDATES_PER_INDEX, k);
    const analyzed = analyze(query);
    const dense = new Map<number, number | undefined>(
      index.vectors.search(userId, vector, limit).map((hit) => [hit.id, hit.score]),
    );
    const lexicalScores = user.lexical.scores(analyzed);
    const unread: number[] = [];
    for (const { id } of bestScores(lexicalScores, limit)) {
      if (dense.has(id)) continue;
      const stored = index.vectors.vectorOf(userId, id);
      if (stored) dense.set(id, cosine(vector, stored));
      // A prompt whose vector is still being computed competes on its words alone.
      else if (user.withoutVector.has(id)) dense.set(id, undefined);
      else unread.push(id);
    }
    if (unread.length > 0) {
      const rows = await options.storage.embeddings.withEmbeddings(unread, options.model.id, userId);
      for (const row of rows) dense.set(row.id, row.vector ? cosine(vector, row.vector) : undefined);
    }
    const scored = [...dense].map(([id, denseScore]) => ({
      id,
      dense: denseScore,
      lexical: lexicalScores.get(id) ?? 0,
    }));
    return combineScores(scored, k, lexicalWeight(analyzed, options.model.languages));
  }

  /** Computes and stores the vector; `indexed` is called once it is searchable on this instance. */
  async #embedStored(prompt: StoredPrompt, indexed: () => void): Promise<void> {
    const { log } = this.options;
    for (let attempt = 1; attempt <= EMBED_ATTEMPTS && !this.#closed; attempt++) {
      try {
        const [vector] = await this.scheduler.embed(ownerOf(prompt.userId), [embeddableText(prompt.prompt)], {
          bounded: false,
        });
        await this.storeVector(prompt, vector as Float32Array);
        indexed();
        return;
      } catch (error) {
        if (attempt === EMBED_ATTEMPTS || this.#closed) {
          log.error(
            { err: error, promptId: prompt.id },
            "could not embed a stored prompt; left to the backlog",
          );
          if (!this.#closed) this.sync.embedBacklog();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, EMBED_RETRY_MS * attempt));
      }
    }
  }
}
