import { LRUCache } from "lru-cache";
import type { Embedder } from "./port.js";

export interface BatchingOptions {
  /** How long a text waits for others to share its model call. Default 5 ms. */
  maxWaitMs?: number;
  /**
   * Most texts in one model call; reaching it sends the batch at once. Default 16: the bundled model's throughput
   * stops growing past 8 to 16 texts a call (measured by bench/embeddings.ts), while a bigger batch holds the
   * event loop longer.
   */
  maxBatchSize?: number;
  /** Texts whose vectors are remembered, least recently used forgotten first. Default 1000; 0 remembers none. */
  cacheSize?: number;
}

interface Deferred {
  promise: Promise<Float32Array>;
  resolve(vector: Float32Array): void;
  reject(reason: unknown): void;
}

/**
 * Wraps an embedder so that concurrent requests share model calls: a model embeds a batch of texts in little more
 * time than one (see the figures of scripts/eval-similarity.ts), and searches arrive one query at a time. Texts
 * arriving within `maxWaitMs` of the first, up to `maxBatchSize`, go to the model together; a text already waiting or
 * being embedded is not sent twice; recent texts' vectors (repeated searches, a prompt searched right after it was
 * saved) come from an LRU cache without a model call. Returned vectors are shared: callers must not modify them.
 */
export class BatchingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly languages: readonly string[] | undefined;
  readonly #inner: Embedder;
  readonly #maxWaitMs: number;
  readonly #maxBatchSize: number;
  readonly #cache: LRUCache<string, Float32Array> | undefined;
  /** Texts waiting for the next batch. */
  readonly #pending = new Map<string, Deferred>();
  /** Texts of batches the model is embedding. */
  readonly #running = new Map<string, Promise<Float32Array>>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(inner: Embedder, options: BatchingOptions = {}) {
    this.id = inner.id;
    this.dimensions = inner.dimensions;
    this.languages = inner.languages;
    this.#inner = inner;
    this.#maxWaitMs = options.maxWaitMs ?? 5;
    this.#maxBatchSize = options.maxBatchSize ?? 16;
    const cacheSize = options.cacheSize ?? 1000;
    this.#cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return Promise.all(texts.map((text) => this.#embedOne(text)));
  }

  /** Sends what is waiting, lets running batches finish, then closes the wrapped embedder. */
  async close(): Promise<void> {
    this.#flush();
    await Promise.allSettled(this.#running.values());
    await this.#inner.close();
  }

  #embedOne(text: string): Promise<Float32Array> {
    const known = this.#cache?.get(text) ?? this.#running.get(text) ?? this.#pending.get(text)?.promise;
    if (known) return Promise.resolve(known);
    const deferred = defer();
    this.#pending.set(text, deferred);
    if (this.#pending.size >= this.#maxBatchSize) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#maxWaitMs);
    return deferred.promise;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [text, deferred] of batch) this.#running.set(text, deferred.promise);
    this.#inner.embed(batch.map(([text]) => text)).then(
      (vectors) => {
        batch.forEach(([text, deferred], index) => {
          const vector = vectors[index] as Float32Array;
          this.#cache?.set(text, vector);
          this.#running.delete(text);
          deferred.resolve(vector);
        });
      },
      (error: unknown) => {
        for (const [text, deferred] of batch) {
          this.#running.delete(text);
          deferred.reject(error);
        }
      },
    );
  }
}

function defer(): Deferred {
  let resolve!: (vector: Float32Array) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<Float32Array>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}
