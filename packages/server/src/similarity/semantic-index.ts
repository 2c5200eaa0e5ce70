import type { IndexedPromptRow } from "../storage/index.js";
import { LexicalIndex } from "./ranking/index.js";
import type { VectorIndex } from "./vector-index/index.js";

/** One resident user's word index, and which of their prompts still wait for a vector. */
export interface ResidentUser {
  readonly lexical: LexicalIndex;
  readonly withoutVector: ReadonlySet<number>;
}

export interface SemanticIndexOptions {
  vectors: VectorIndex;
  /** INDEX_MEMORY_BUDGET: the estimated bytes the resident users may take before the least recently used go. */
  budgetBytes: number;
  /** Reads one user's prompts, with their vectors of the current model, from the database. */
  load(userId: number): Promise<IndexedPromptRow[]>;
  /** Hears of each load (its duration) and each eviction, for metrics. */
  onLoad?(seconds: number): void;
  onEvict?(): void;
}

/**
 * What a resident user costs beyond their vectors and words: the entries of this cache's maps, an empty word index's
 * own maps, the vector store's objects. Measured with the heap after GC, like the estimates of LexicalIndex and the
 * vector stores (the figures are in BENCHMARKS.md).
 */
const BYTES_PER_USER = 2_000;
const BYTES_PER_PENDING_VECTOR = 40;

interface UserState {
  lexical: LexicalIndex;
  withoutVector: Set<number>;
  /** The estimate last counted into the total. */
  bytes: number;
}

/** A write that reached a user whose load was running: applied to the loaded index before anyone searches it. */
type PendingWrite = (user: UserState, userId: number) => void;

/**
 * The in-memory search structures of the users searched lately on this instance: nearest vectors (dense) and a word
 * index (lexical) per user, kept in step. They are derived from the database, so they are a cache: a user's are
 * loaded at their first search (concurrent first searches load once), and the least recently searched users are
 * dropped when the estimated bytes exceed the budget. The user being searched is never dropped, even alone over
 * the budget. A user nobody searched costs nothing.
 *
 * Writes reach resident users only: a user who is not resident reads them from the database at their next load.
 */
export class SemanticIndex {
  /** In least-recently-used order: the first entry goes first. */
  readonly #resident = new Map<number, UserState>();
  readonly #loading = new Map<number, { done: Promise<UserState>; writes: PendingWrite[] }>();
  #bytes = 0;

  constructor(private readonly options: SemanticIndexOptions) {}

  get vectors(): VectorIndex {
    return this.options.vectors;
  }

  /** Estimated bytes of every resident user. */
  get residentBytes(): number {
    return this.#bytes;
  }

  get residentUsers(): number {
    return this.#resident.size;
  }

  /** The users whose index is held here, for the look at what other instances wrote. */
  residentUserIds(): number[] {
    return [...this.#resident.keys()];
  }

  /** The user's index, loaded from the database unless resident, and marked as the most recently used. */
  async acquire(userId: number): Promise<ResidentUser> {
    const resident = this.#resident.get(userId);
    if (resident) {
      this.#resident.delete(userId);
      this.#resident.set(userId, resident);
      return resident;
    }
    const loading = this.#loading.get(userId);
    if (loading) return loading.done;
    const writes: PendingWrite[] = [];
    const done = this.#load(userId, writes).finally(() => this.#loading.delete(userId));
    this.#loading.set(userId, { done, writes });
    return done;
  }

  /**
   * Adds one prompt of a resident user (or of one being loaded), with its vector when known; a prompt without one is
   * searchable by its words until its vector is added. A prompt the index has keeps what it has (see VectorIndex), so
   * the replays of catching up change nothing.
   */
  add(userId: number, id: number, text: string, vector?: Float32Array): void {
    this.#write(userId, (user) => {
      if (!user.lexical.has(id)) user.lexical.add(id, text);
      if (vector) {
        this.vectors.add(userId, id, vector);
        user.withoutVector.delete(id);
      } else if (!this.vectors.has(userId, id)) {
        user.withoutVector.add(id);
      }
    });
  }

  /**
   * Drops a user's index, because some of their prompts were deleted (or all, with the account): the next search
   * loads what the database holds now. A load already under way read the rows before the deletion: it is dropped too
   * once done.
   */
  forget(userId: number): void {
    const resident = this.#resident.get(userId);
    if (resident) {
      this.#resident.delete(userId);
      this.vectors.dropUser(userId);
      this.#bytes -= resident.bytes;
    }
    this.#loading.get(userId)?.done.then(
      () => this.forget(userId),
      () => undefined,
    );
  }

  /** Whether the user is resident and their index holds this prompt with its vector. */
  hasVector(userId: number, id: number): boolean {
    return this.#resident.has(userId) && this.vectors.has(userId, id);
  }

  #write(userId: number, write: PendingWrite): void {
    const resident = this.#resident.get(userId);
    if (resident) {
      write(resident, userId);
      this.#recount(userId, resident);
      this.#evictBeyondBudget(userId);
      return;
    }
    this.#loading.get(userId)?.writes.push(write);
  }

  async #load(userId: number, writes: PendingWrite[]): Promise<UserState> {
    const started = performance.now();
    const rows = await this.options.load(userId);
    const { dimensions } = this.vectors;
    const withVector = rows.filter((row) => row.vector !== undefined);
    const ids = new Float64Array(withVector.length);
    const vectors = new Float32Array(withVector.length * dimensions);
    withVector.forEach((row, position) => {
      ids[position] = row.id;
      vectors.set(row.vector as Float32Array, position * dimensions);
    });
    const user: UserState = { lexical: new LexicalIndex(), withoutVector: new Set(), bytes: 0 };
    for (const row of rows) {
      user.lexical.add(row.id, row.prompt);
      if (!row.vector) user.withoutVector.add(row.id);
    }
    this.vectors.replaceUser(userId, ids, vectors);
    for (const write of writes) write(user, userId);
    this.#resident.set(userId, user);
    this.#recount(userId, user);
    this.#evictBeyondBudget(userId);
    this.options.onLoad?.((performance.now() - started) / 1000);
    return user;
  }

  #recount(userId: number, user: UserState): void {
    const bytes =
      BYTES_PER_USER +
      this.vectors.bytesOf(userId) +
      user.lexical.bytes +
      user.withoutVector.size * BYTES_PER_PENDING_VECTOR;
    this.#bytes += bytes - user.bytes;
    user.bytes = bytes;
  }

  /** Drops the least recently used users, never `keep`, until the resident users fit the budget. */
  #evictBeyondBudget(keep: number): void {
    for (const [userId, user] of this.#resident) {
      if (this.#bytes <= this.options.budgetBytes) return;
      if (userId === keep) continue;
      this.#resident.delete(userId);
      this.vectors.dropUser(userId);
      this.#bytes -= user.bytes;
      this.options.onEvict?.();
    }
  }
}
