import type { FastifyBaseLogger } from "fastify";
import type { IndexablePrompt, Storage } from "../storage/index.js";
import { embeddableText } from "./embeddable-text.js";
import type { SemanticIndex } from "./semantic-index.js";
import type { SnapshotFile } from "./snapshot-file.js";
import { InvalidSnapshotError } from "./vector-index/index.js";

export interface IndexSyncOptions {
  storage: Storage;
  /** Embeds texts of one user with the current model, in the background (never refused for a full queue). */
  embed(userId: number, texts: string[]): Promise<Float32Array[]>;
  /** The current model: vectors of another model are computed again. */
  modelId: string;
  index: SemanticIndex;
  snapshot: SnapshotFile;
  log: FastifyBaseLogger;
  /** How often to look for prompts other instances created. */
  pollIntervalMs: number;
  /** How often to write the snapshot when the index changed. */
  snapshotIntervalMs: number;
}

const SCAN_PAGE = 2_000;
const FETCH_CHUNK = 500;
const REEMBED_BATCH = 32;
/**
 * How far back each look for other instances' prompts reaches. created_at and embedded_at are the start of the
 * writing transaction, which commits a little later; the margin covers commits that finish out of order, with room
 * to spare.
 */
const POLL_OVERLAP_MS = 10_000;

/**
 * Keeps the index derived from the database: at start, the snapshot is loaded and every row the snapshot lacks is
 * caught up (so a crash between a commit and the index update is repaired); prompts without a vector of the current
 * model (a process that died between storing a prompt and its vector, or a model change) are embedded in the
 * background; while running, prompts other instances created, and the vectors they computed for them, are picked up
 * within a poll interval; the snapshot is rewritten when the index changed.
 */
export class IndexSync {
  readonly #options: IndexSyncOptions;
  #lastPoll: Date | undefined;
  #dirty = false;
  #polling = false;
  #timers: NodeJS.Timeout[] = [];
  #reembedding: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: IndexSyncOptions) {
    this.#options = options;
  }

  /** Loads the snapshot and catches up with the database; resolves when every stored vector is searchable. */
  async start(): Promise<void> {
    const { storage, log } = this.#options;
    const started = Date.now();
    this.#lastPoll = await storage.now();
    const fromSnapshot = await this.#loadSnapshot();
    const { missing, stale } = await this.#reconcile();
    stale.push(...(await this.#fetchVectors(missing)));
    log.info(
      { fromSnapshot, caughtUp: missing.length, toEmbed: stale.length, ms: Date.now() - started },
      "similarity index ready",
    );
    if (missing.length > 0) this.#dirty = true;
    this.#reembedding = this.#reembed(stale);
    this.#timers = [
      setInterval(() => void this.#poll(), this.#options.pollIntervalMs),
      setInterval(() => void this.#saveIfChanged(), this.#options.snapshotIntervalMs),
    ];
    for (const timer of this.#timers) timer.unref();
  }

  /** Records that the index changed, for the next snapshot. */
  markChanged(): void {
    this.#dirty = true;
  }

  /** Stops polling, lets a running re-embedding batch finish, and writes a last snapshot. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    await this.#reembedding;
    await this.#saveIfChanged();
  }

  async #loadSnapshot(): Promise<number> {
    const { snapshot, index, log } = this.#options;
    const bytes = await snapshot.read();
    if (!bytes) return 0;
    try {
      index.vectors.load(bytes);
      return index.vectors.size();
    } catch (error) {
      if (!(error instanceof InvalidSnapshotError)) throw error;
      log.warn(
        { path: snapshot.path, reason: error.message },
        "ignoring an unusable index snapshot; rebuilding",
      );
      index.vectors.clear();
      return 0;
    }
  }

  /** Scans every prompt: words are indexed from the text, and the vectors the snapshot lacks are listed. */
  async #reconcile(): Promise<{ missing: number[]; stale: IndexablePrompt[] }> {
    const { storage, index, modelId } = this.#options;
    const missing: number[] = [];
    const stale: IndexablePrompt[] = [];
    for (let afterId = 0; ; ) {
      const page = await storage.embeddings.scan(afterId, SCAN_PAGE);
      for (const row of page) {
        index.addText(row.userId, row.id, row.prompt);
        if (row.embeddingModel !== modelId) stale.push(row);
        else if (!index.hasVector(row.userId, row.id)) missing.push(row.id);
      }
      const last = page.at(-1);
      if (!last || page.length < SCAN_PAGE) break;
      afterId = last.id;
    }
    return { missing, stale };
  }

  /** Adds the stored vectors of these prompts; returns those without one of this model, to embed again. */
  async #fetchVectors(ids: readonly number[]): Promise<IndexablePrompt[]> {
    const { storage, index, modelId } = this.#options;
    const withoutVector: IndexablePrompt[] = [];
    for (let start = 0; start < ids.length; start += FETCH_CHUNK) {
      const stored = await storage.embeddings.withEmbeddings(ids.slice(start, start + FETCH_CHUNK), modelId);
      for (const row of stored) {
        if (row.vector) index.add(row.userId, row.id, row.prompt, row.vector);
        else withoutVector.push({ id: row.id, userId: row.userId, prompt: row.prompt, embeddingModel: null });
      }
    }
    return withoutVector;
  }

  /** Computes and stores vectors of the current model, in batches, logging progress. */
  async #reembed(rows: readonly IndexablePrompt[]): Promise<void> {
    const { storage, index, modelId, embed, log } = this.#options;
    if (rows.length === 0) return;
    log.info({ prompts: rows.length, model: modelId }, "embedding stored prompts with the current model");
    let done = 0;
    for (let start = 0; start < rows.length && !this.#closed; start += REEMBED_BATCH) {
      const batch = rows.slice(start, start + REEMBED_BATCH);
      try {
        const vectors = await Promise.all(
          batch.map(
            async (row) => (await embed(row.userId, [embeddableText(row.prompt)]))[0] as Float32Array,
          ),
        );
        for (const [position, row] of batch.entries()) {
          const vector = vectors[position] as Float32Array;
          await storage.embeddings.setEmbedding(row.id, { vector, model: modelId });
          index.add(row.userId, row.id, row.prompt, vector);
        }
        this.#dirty = true;
      } catch (error) {
        log.error({ err: error, firstId: batch[0]?.id }, "re-embedding failed; retried at the next start");
        return;
      }
      done += batch.length;
      if (done % 1000 < REEMBED_BATCH || done === rows.length) {
        log.info({ done, total: rows.length, model: modelId }, "re-embedding progress");
      }
    }
  }

  /**
   * Picks up what other instances stored since the last look: new prompts (searchable by their words at once) and
   * the vectors that followed them. A prompt whose vector has not arrived is left to the instance that stored it,
   * which is computing it; skipped while the previous look runs.
   */
  async #poll(): Promise<void> {
    const { storage, index, log } = this.#options;
    if (this.#closed || !this.#lastPoll || this.#polling) return;
    this.#polling = true;
    try {
      const now = await storage.now();
      const since = new Date(this.#lastPoll.getTime() - POLL_OVERLAP_MS);
      const changed = await storage.embeddings.idsChangedSince(since);
      const incomplete = changed.filter((id) => !index.knows(id) || !index.hasVectorFor(id));
      this.#lastPoll = now;
      if (incomplete.length === 0) return;
      const withoutVector = await this.#fetchVectors(incomplete);
      for (const row of withoutVector) index.addText(row.userId, row.id, row.prompt);
      this.#dirty = true;
    } catch (error) {
      log.warn({ err: error }, "could not look for prompts created by other instances; retrying");
    } finally {
      this.#polling = false;
    }
  }

  async #saveIfChanged(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    try {
      await this.#options.snapshot.write(this.#options.index.vectors.serialize());
    } catch (error) {
      this.#dirty = true;
      this.#options.log.warn({ err: error }, "could not write the index snapshot");
    }
  }
}
