import { Piscina } from "piscina";
import type { LocalModelSpec } from "./local-model.js";
import type { Embedder } from "./port.js";

/** How much lower than the process's the model threads' CPU priority is (nice 0 → 10: about a tenth of a busy core). */
export const EMBEDDING_NICE_INCREMENT = 10;

/** Without an idle timeout, how long a thread beyond `threads` may stay idle before it ends and frees its model. */
const EXTRA_THREAD_IDLE_MS = 30_000;

export interface WorkerPoolSize {
  /** Threads started with the pool, and batches at once outside a burst (EMBEDDING_THREADS). */
  threads: number;
  /** Most threads at once (EMBEDDING_MAX_THREADS); at least `threads`, which it is when absent. */
  maxThreads?: number;
  /** After this long without a batch, a worker exits (EMBEDDING_IDLE_TIMEOUT); absent, see WorkerPoolEmbedder. */
  idleTimeoutMs?: number;
}

/**
 * A local model (bundled, Transformers.js) run by a pool of worker threads, so that inference never holds the thread
 * that serves requests, logins and heartbeats. Each worker loads the model once when it starts; `start` starts
 * `threads` of them and resolves when the model has answered in each. A worker that dies is replaced by piscina and
 * the batch it was running fails (its callers see the error; see FairScheduler and IndexSync for what is retried).
 *
 * Beyond `threads`, the pool may grow to `maxThreads` while batches wait for a thread (a backlog of vectors after a
 * burst of prompts: see FairScheduler's Burst). With an `idleTimeoutMs`, any worker that has had no batch for that
 * long exits, and with it the model it held (about 80 MB of RSS per thread with the bundled model: BENCHMARKS.md,
 * idle memory); the next batch starts a worker again, which loads the model first. Without one, the first `threads`
 * workers live as long as the pool, and those beyond end after 30 s idle.
 *
 * Piscina is the maintained worker pool of the Node ecosystem (it is Fastify's and Node's own benchmarks' choice):
 * it starts and replaces workers, moves tasks and errors across threads, and ends its workers on `destroy`.
 */
export class WorkerPoolEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly languages: readonly string[] | undefined;
  /** Threads started with the pool, and batches at once outside a burst. */
  readonly threads: number;
  /** Most threads at once, while a burst's batches wait. */
  readonly maxThreads: number;
  readonly #pool: Piscina;

  private constructor(
    pool: Piscina,
    size: { threads: number; maxThreads: number },
    description: Pick<Embedder, "id" | "dimensions" | "languages">,
  ) {
    this.#pool = pool;
    this.threads = size.threads;
    this.maxThreads = size.maxThreads;
    this.id = description.id;
    this.dimensions = description.dimensions;
    this.languages = description.languages;
  }

  static async start(spec: LocalModelSpec, size: WorkerPoolSize): Promise<WorkerPoolEmbedder> {
    const { threads } = size;
    const maxThreads = Math.max(threads, size.maxThreads ?? threads);
    const idleTimeout =
      size.idleTimeoutMs ?? (maxThreads > threads ? EXTRA_THREAD_IDLE_MS : Number.POSITIVE_INFINITY);
    const pool = new Piscina({
      filename: workerFile(),
      workerData: spec,
      // Piscina ends a worker idle for `idleTimeout` while the pool has more than `minThreads`, and starts workers
      // again, up to `maxThreads`, when batches wait.
      minThreads: size.idleTimeoutMs === undefined ? threads : 0,
      maxThreads,
      idleTimeout,
      // The scheduler gives each worker one batch at a time, so piscina's own queue only holds a batch a moment.
      concurrentTasksPerWorker: 1,
      // The model's work is in WebAssembly; its JavaScript garbage is small. V8's default young generation grows to
      // tens of megabytes during the model's load and stays that large: 4 MB keeps 11 MB of RSS per idle worker
      // (BENCHMARKS.md).
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      // Requests first: when the cores are all busy, the model's threads yield to the one that answers requests
      // (and to the database's), so that a burst of prompts queues vectors rather than answers. Measured with the
      // gateway bench (BENCHMARKS.md). Linux's nice value is per thread; piscina sets it through @napi-rs/nice.
      niceIncrement: EMBEDDING_NICE_INCREMENT,
    });
    try {
      // One question per thread: with queued tasks piscina starts workers, so that every thread loads the model now
      // (a misconfigured model fails the start), whatever minThreads.
      const [description] = (await Promise.all(
        Array.from({ length: threads }, () => pool.run(undefined, { name: "describe" })),
      )) as Array<Pick<Embedder, "id" | "dimensions" | "languages">>;
      return new WorkerPoolEmbedder(
        pool,
        { threads, maxThreads },
        description as Pick<Embedder, "id" | "dimensions" | "languages">,
      );
    } catch (error) {
      await pool.destroy();
      throw error;
    }
  }

  /** The pool's threads, for tests that end one as a crash would. */
  get workers(): ReadonlyArray<{ terminate(): Promise<number> }> {
    return this.#pool.threads;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    return this.#pool.run(texts) as Promise<Float32Array[]>;
  }

  /** Ends every worker; a batch still running fails. */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}

/**
 * The worker's module, next to this one: the built file (tsup emits dist/embedding-worker.js beside the bundles that
 * contain this code), or, when the server runs from its TypeScript sources, the module that loads the source through
 * tsx.
 */
function workerFile(): string {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "./embedding-worker-source.mjs" : "./embedding-worker.js", here).href;
}
