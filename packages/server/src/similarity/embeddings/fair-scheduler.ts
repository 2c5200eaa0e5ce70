import { LRUCache } from "lru-cache";
import { OverloadedError } from "../../errors.js";
import type { Embedder } from "./port.js";

/** Bound on the texts of searches waiting for the model (background work is bounded by its caller). */
export interface QueueLimit {
  /** Search texts waiting across all owners. */
  total: number;
  /** Search texts waiting for one owner. */
  perOwner: number;
}

export interface FairSchedulerOptions {
  /** Batches given to the model at once: one per worker thread (more only for a remote model). */
  concurrency: number;
  /** More batches at once while a backlog waits: see Burst. */
  burst?: Burst;
  /** Most texts in one model call. Default 32. */
  maxBatchSize?: number;
  /** Bound on waiting work; past it `embed` refuses at once with EmbeddingQueueFullError. */
  queueLimit: QueueLimit;
  /** Vectors remembered per (owner, text), least recently used forgotten first. Default 1000; 0 remembers none. */
  cacheSize?: number;
  /** Told how many texts wait, each time that changes (a metric). */
  onQueueLength?: (length: number) => void;
}

export interface EmbedOptions {
  /**
   * Searches (the default) are admitted against the queue's bound. Background work (the vector of a stored prompt)
   * is not, and does not count against it: its caller keeps it to a bounded window (see SimilarityService), and
   * posting prompts must never push other users' searches into refusals.
   */
  bounded?: boolean;
}

/** Refused because the queue is full: the client is answered 503 with Retry-After rather than wait without end. */
export class EmbeddingQueueFullError extends OverloadedError {
  constructor(retryAfterSeconds: number) {
    super("Too many texts are waiting for the embedding model; try again shortly.", retryAfterSeconds);
    this.name = "EmbeddingQueueFullError";
  }
}

/**
 * Batches at once while a backlog waits (at least two full batches) and `allowed()` says so: one per thread a worker
 * pool may add then (see WorkerPoolEmbedder).
 */
export interface Burst {
  concurrency: number;
  /** Asked at each dispatch: whether the extra batches may run now (the plugin: while requests leave a core free). */
  allowed(): boolean;
}

/** Full batches that must wait before the scheduler runs a burst's batches at once. */
const BURST_WAITING_BATCHES = 2;

interface Waiting {
  key: string;
  text: string;
  bounded: boolean;
  promise: Promise<Float32Array>;
  resolve(vector: Float32Array): void;
  reject(reason: unknown): void;
}

/**
 * Puts the model's work in order so that nobody waits behind someone else's: texts queue per owner (a user), and
 * each batch takes one text from each owner in turn, so one user's 500 queued searches delay another user's one
 * search by at most one batch. Batches form on their own under load: a batch leaves as soon as a worker is free,
 * with whatever waits then (up to `maxBatchSize`), which gives low latency when idle and the model's batched
 * throughput when busy. The queue is bounded in total and per owner; a user with nothing queued is still let in
 * past the total (up to twice it), so that a flood never locks out the users who are not part of it.
 *
 * Vectors are remembered per owner and text: a shared cache would tell a user, by a fast answer, that somebody else
 * just searched the same words. Returned vectors are shared: callers must not modify them.
 *
 * No library does this: piscina (which runs the batches) queues tasks first come, first served, and pools such as
 * p-queue have priorities but not round-robin over owners with per-owner bounds.
 */
export class FairScheduler {
  readonly #model: Embedder;
  readonly #concurrency: number;
  readonly #burst: Burst | undefined;
  readonly #maxBatchSize: number;
  readonly #limit: QueueLimit;
  readonly #cache: LRUCache<string, Float32Array> | undefined;
  readonly #onQueueLength: ((length: number) => void) | undefined;
  /** Waiting texts by owner, oldest first. */
  readonly #queues = new Map<string, Waiting[]>();
  /** Owners with waiting texts, in serving order. */
  readonly #ring: string[] = [];
  /** Waiting or running texts by key, so that the same text of the same owner is embedded once. */
  readonly #inFlight = new Map<string, Promise<Float32Array>>();
  readonly #batches = new Set<Promise<void>>();
  #waiting = 0;
  /** Waiting texts of bounded work (searches): in all, and by owner. */
  #waitingBounded = 0;
  readonly #boundedByOwner = new Map<string, number>();
  /** Seconds one text takes, smoothed, to tell a refused caller when to come back. */
  #secondsPerText = 0.02;

  constructor(model: Embedder, options: FairSchedulerOptions) {
    this.#model = model;
    this.#concurrency = options.concurrency;
    this.#burst = options.burst;
    this.#maxBatchSize = options.maxBatchSize ?? 32;
    this.#limit = options.queueLimit;
    const cacheSize = options.cacheSize ?? 1000;
    this.#cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
    this.#onQueueLength = options.onQueueLength;
  }

  /** Texts waiting for a worker. */
  get queueLength(): number {
    return this.#waiting;
  }

  /**
   * One vector per text, in order. Throws EmbeddingQueueFullError, without queueing any of them, when bounded work
   * would exceed the owner's or the total bound.
   */
  embed(owner: string, texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const keys = texts.map((text) => `${owner}\u0000${text}`);
    const bounded = options.bounded !== false;
    if (bounded) this.#admit(owner, keys);
    return Promise.all(
      texts.map((text, index) => this.#embedOne(owner, keys[index] as string, text, bounded)),
    );
  }

  /** Lets running batches end; waiting texts are refused. The model itself is closed by its owner. */
  async close(): Promise<void> {
    for (const queue of this.#queues.values()) {
      for (const waiting of queue) {
        this.#inFlight.delete(waiting.key);
        waiting.reject(new Error("the embedding scheduler closed"));
      }
    }
    this.#queues.clear();
    this.#ring.length = 0;
    this.#boundedByOwner.clear();
    this.#waitingBounded = 0;
    this.#setWaiting(0);
    await Promise.allSettled(this.#batches);
  }

  #admit(owner: string, keys: readonly string[]): void {
    const added = keys.filter((key) => !this.#cache?.has(key) && !this.#inFlight.has(key)).length;
    if (added === 0) return;
    const ownWaiting = this.#boundedByOwner.get(owner) ?? 0;
    const overOwn = ownWaiting + added > this.#limit.perOwner;
    const totalBound = ownWaiting === 0 ? this.#limit.total * 2 : this.#limit.total;
    if (overOwn || this.#waitingBounded + added > totalBound) {
      const batchesAhead = Math.ceil((this.#waiting + added) / (this.#maxBatchSize * this.#concurrency));
      const seconds = batchesAhead * this.#maxBatchSize * this.#secondsPerText;
      throw new EmbeddingQueueFullError(Math.max(1, Math.ceil(seconds)));
    }
  }

  #embedOne(owner: string, key: string, text: string, bounded: boolean): Promise<Float32Array> {
    const known = this.#cache?.get(key) ?? this.#inFlight.get(key);
    if (known) return Promise.resolve(known);
    let resolve!: (vector: Float32Array) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<Float32Array>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    this.#inFlight.set(key, promise);
    let queue = this.#queues.get(owner);
    if (!queue) {
      queue = [];
      this.#queues.set(owner, queue);
      this.#ring.push(owner);
    }
    queue.push({ key, text, bounded, promise, resolve, reject });
    if (bounded) this.#countBounded(owner, 1);
    this.#setWaiting(this.#waiting + 1);
    this.#dispatch();
    return promise;
  }

  #dispatch(): void {
    while (this.#batches.size < this.#concurrencyNow() && this.#waiting > 0) {
      const batch = this.#takeBatch();
      const running = this.#run(batch).finally(() => {
        this.#batches.delete(running);
        this.#dispatch();
      });
      this.#batches.add(running);
    }
  }

  /**
   * A batch per kept thread; while a backlog waits and the burst is allowed, one per thread the pool may add too. A
   * few searches at once never start a thread (and load a model) that they would not keep busy.
   */
  #concurrencyNow(): number {
    const burst = this.#burst;
    if (!burst || this.#waiting < BURST_WAITING_BATCHES * this.#maxBatchSize) return this.#concurrency;
    return burst.allowed() ? Math.max(this.#concurrency, burst.concurrency) : this.#concurrency;
  }

  /** One text from each owner in turn, until the batch is full or nothing waits. */
  #takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    while (batch.length < this.#maxBatchSize && this.#ring.length > 0) {
      const owner = this.#ring.shift() as string;
      const queue = this.#queues.get(owner) as Waiting[];
      const next = queue.shift() as Waiting;
      if (next.bounded) this.#countBounded(owner, -1);
      batch.push(next);
      if (queue.length > 0) this.#ring.push(owner);
      else this.#queues.delete(owner);
    }
    this.#setWaiting(this.#waiting - batch.length);
    return batch;
  }

  async #run(batch: readonly Waiting[]): Promise<void> {
    const started = performance.now();
    try {
      const vectors = await this.#model.embed(batch.map((waiting) => waiting.text));
      const seconds = (performance.now() - started) / 1000 / batch.length;
      this.#secondsPerText = 0.8 * this.#secondsPerText + 0.2 * seconds;
      batch.forEach((waiting, index) => {
        const vector = vectors[index] as Float32Array;
        this.#cache?.set(waiting.key, vector);
        this.#inFlight.delete(waiting.key);
        waiting.resolve(vector);
      });
    } catch (error) {
      for (const waiting of batch) {
        this.#inFlight.delete(waiting.key);
        waiting.reject(error);
      }
    }
  }

  #countBounded(owner: string, change: number): void {
    this.#waitingBounded += change;
    const own = (this.#boundedByOwner.get(owner) ?? 0) + change;
    if (own > 0) this.#boundedByOwner.set(owner, own);
    else this.#boundedByOwner.delete(owner);
  }

  #setWaiting(length: number): void {
    this.#waiting = length;
    this.#onQueueLength?.(length);
  }
}
