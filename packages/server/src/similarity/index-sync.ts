import type { FastifyBaseLogger } from "fastify";
import type { IndexablePrompt, Storage } from "../storage/index.js";
import { embeddableText } from "./embeddable-text.js";
import type { SemanticIndex } from "./semantic-index.js";

/** Keeps a computed vector: in the prompt's row, then in the resident index (see SimilarityService.open). */
export type StoreVector = (
  prompt: Pick<IndexablePrompt, "id" | "userId" | "prompt">,
  vector: Float32Array,
) => Promise<void>;

export interface IndexSyncOptions {
  storage: Storage;
  /** Embeds texts of one user with the current model, in the background (never refused for a full queue). */
  embed(userId: number, texts: string[]): Promise<Float32Array[]>;
  /** The current model: vectors of another model are computed again. */
  modelId: string;
  index: SemanticIndex;
  log: FastifyBaseLogger;
  storeVector: StoreVector;
  /** How often to look for what other instances wrote for the resident users. */
  pollIntervalMs: number;
}

/** Rows of the backlog read at once: with REEMBED_BATCH, what the backlog holds in memory whatever its length. */
const REEMBED_PAGE = 128;
const REEMBED_BATCH = 32;
const BATCHES_PER_PAGE = Math.ceil(REEMBED_PAGE / REEMBED_BATCH);
/** A drain that failed (the database or the model away) is tried again after this, until it succeeds. */
const BACKLOG_RETRY_MS = 5_000;
/**
 * How far back each look for other instances' prompts reaches. created_at and embedded_at are the start of the
 * writing transaction, which commits a little later; the margin covers commits that finish out of order, and loads
 * that read the database while such a commit was on its way, with room to spare.
 */
const POLL_OVERLAP_MS = 10_000;

/**
 * Keeps the resident users' indexes (see SemanticIndex) in step with the database, which is the truth: what other
 * instances store for those users (prompts, and the vectors that follow them) is picked up within a poll interval;
 * users resident nowhere cost no look at all.
 *
 * The prompts without a vector of the current model are the backlog, and it lives in the database: a process that
 * died between storing a prompt and its vector, a model change, or more prompts posted than the model keeps up with
 * (SimilarityService embeds at most a window of them from memory and leaves the others to this). It is drained from
 * the start and whenever `embedBacklog` is called, a page at a time, at the model's pace: memory stays the same
 * however long it grows. Nothing else is read at start: a user's index is loaded at their first search.
 */
export class IndexSync {
  readonly #options: IndexSyncOptions;
  #lastPoll: Date | undefined;
  #polling = false;
  /** Deleted prompt id → when a look first saw its tombstone (database time, ms). */
  readonly #deletionsSeen = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  /** The running drain of the backlog, if any. */
  #draining: Promise<void> | undefined;
  /** Asked for while a drain runs: it reads the backlog once more from its start when done. */
  #backlogWanted = false;
  #backlogRetry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: IndexSyncOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#lastPoll = await this.#options.storage.now();
    this.embedBacklog();
    this.#timer = setInterval(() => void this.#poll(), this.#options.pollIntervalMs);
    this.#timer.unref();
  }

  /** Stops polling and the backlog's drain, once the batches it has handed to the model are stored. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#backlogRetry);
    await this.#draining;
  }

  /** Has the backlog in the database embedded, now or, when a drain runs, once more after it. */
  embedBacklog(): void {
    this.#backlogWanted = true;
    if (this.#draining || this.#closed) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  /** Resolves when no drain of the backlog runs. */
  async drained(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    while (this.#backlogWanted && !this.#closed) {
      this.#backlogWanted = false;
      // From the start each time: ids are taken before the answer is written, so a prompt stored late may sit
      // behind rows already passed.
      await this.#reembedStale();
    }
  }

  /**
   * Embeds, page by page, every prompt without a vector of the current model. The next page is read and handed to the
   * model while the last page's batches are still being embedded, so that the model always has batches waiting: a
   * page's last batch otherwise ran alone, with the burst's extra thread idle (see FairScheduler's Burst): after the
   * gateway benchmark's load, 100.4 → 130.6 vectors/s (BENCHMARKS.md). Closing lets the batches handed to the model
   * finish: one or two pages.
   */
  async #reembedStale(): Promise<void> {
    const { storage, modelId, log } = this.#options;
    const running = new Set<Promise<void>>();
    let done = 0;
    try {
      for (let afterId = 0; !this.#closed; ) {
        const page = await storage.embeddings.withoutVector(modelId, afterId, REEMBED_PAGE);
        if (page.length === 0) break;
        for (let start = 0; start < page.length; start += REEMBED_BATCH) {
          const batch = this.#reembed(page.slice(start, start + REEMBED_BATCH)).finally(() => {
            running.delete(batch);
          });
          // Handled here as well as where it is awaited: a batch may fail while the next page is being read.
          batch.catch(() => {});
          running.add(batch);
        }
        afterId = (page.at(-1) as IndexablePrompt).id;
        // At most a page's batches left before the next page is read: two pages in memory, whatever the backlog.
        while (running.size > BATCHES_PER_PAGE) await Promise.race(running);
        done += page.length;
        log.debug({ done, model: modelId }, "embedding the backlog of stored prompts");
      }
      await Promise.all(running);
      if (done > 0) log.info({ done, model: modelId }, "stored prompts without a vector embedded");
    } catch (error) {
      await Promise.allSettled(running);
      log.warn({ err: error, done }, "embedding the backlog of stored prompts failed; retrying");
      clearTimeout(this.#backlogRetry);
      this.#backlogRetry = setTimeout(() => this.embedBacklog(), BACKLOG_RETRY_MS);
      this.#backlogRetry.unref();
    }
  }

  async #reembed(batch: readonly IndexablePrompt[]): Promise<void> {
    const { embed, storeVector } = this.#options;
    const vectors = await Promise.all(
      batch.map(async (row) => (await embed(row.userId, [embeddableText(row.prompt)]))[0] as Float32Array),
    );
    for (const [position, row] of batch.entries()) await storeVector(row, vectors[position] as Float32Array);
  }

  /**
   * Picks up what other instances stored for the resident users since the last look: new prompts (searchable by
   * their words at once), the vectors that followed them, and deletions (the user's index is dropped, to be rebuilt
   * from the database at their next search). Skipped while the previous look runs.
   */
  async #poll(): Promise<void> {
    const { storage, index, modelId, log } = this.#options;
    if (this.#closed || !this.#lastPoll || this.#polling) return;
    this.#polling = true;
    try {
      const now = await storage.now();
      const since = new Date(this.#lastPoll.getTime() - POLL_OVERLAP_MS);
      const resident = index.residentUserIds();
      const changed = await storage.embeddings.changedSince(since, resident);
      const deleted = await storage.embeddings.deletedSince(since, resident);
      this.#lastPoll = now;
      // A deletion is seen by every look whose overlap covers it: the user's index is dropped at the first only.
      for (const { id, userId } of deleted) {
        if (this.#deletionsSeen.has(id)) continue;
        this.#deletionsSeen.set(id, now.getTime());
        index.forget(userId);
      }
      for (const [id, seenAt] of this.#deletionsSeen) {
        if (seenAt < now.getTime() - 2 * POLL_OVERLAP_MS) this.#deletionsSeen.delete(id);
      }
      const incomplete = changed.filter(({ id, userId }) => !index.hasVector(userId, id)).map(({ id }) => id);
      for (const row of await storage.embeddings.withEmbeddings(incomplete, modelId)) {
        index.add(row.userId, row.id, row.prompt, row.vector);
      }
    } catch (error) {
      log.warn({ err: error }, "could not look for prompts created by other instances; retrying");
    } finally {
      this.#polling = false;
    }
  }
}
