import type { FastifyBaseLogger } from "fastify";
import type { Metrics } from "../observability/metrics.js";
import type { SimilarityService } from "../similarity/similarity-service.js";
import type { Storage } from "../storage/index.js";

interface PromptRetentionOptions {
  storage: Storage;
  similarity: SimilarityService;
  metrics: Metrics;
  log: FastifyBaseLogger;
  /** PROMPT_RETENTION: prompts older than this are deleted. */
  retentionMs: number;
  /** How often to look for prompts past the retention. Default one minute. */
  intervalMs?: number;
  /** Prompts deleted per statement: small, so that no statement holds many row locks for long. Default 500. */
  batchSize?: number;
}

/**
 * PROMPT_RETENTION: deletes prompts older than the retention in the background, in small batches, each a statement
 * of its own that leaves tombstones, so that the users' indexes here and (through the tombstones) on other
 * instances drop them. Every instance sweeps; SKIP LOCKED keeps them out of each other's way.
 */
export class PromptRetention {
  readonly #options: PromptRetentionOptions;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #closed = false;

  constructor(options: PromptRetentionOptions) {
    this.#options = options;
  }

  start(): void {
    const run = () => {
      this.#sweeping ??= this.sweep()
        .then(
          () => undefined,
          (error: unknown) => this.#options.log.warn({ err: error }, "prompt retention sweep failed"),
        )
        .finally(() => {
          this.#sweeping = undefined;
        });
    };
    run();
    this.#timer = setInterval(run, this.#options.intervalMs ?? 60_000);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#sweeping;
  }

  /** Deletes every prompt past the retention now; resolves with how many. */
  async sweep(): Promise<number> {
    const { storage, similarity, metrics, log, retentionMs, batchSize = 500 } = this.#options;
    const before = new Date((await storage.now()).getTime() - retentionMs);
    let total = 0;
    while (!this.#closed) {
      const deleted = await storage.prompts.deleteCreatedBefore(before, batchSize);
      total += deleted.length;
      metrics.promptsExpired.inc(deleted.length);
      for (const userId of new Set(deleted.map((prompt) => prompt.userId))) similarity.forgetUser(userId);
      if (deleted.length < batchSize) break;
    }
    if (total > 0)
      log.info({ event: "prompts_expired", deleted: total }, "prompts past PROMPT_RETENTION deleted");
    return total;
  }
}
