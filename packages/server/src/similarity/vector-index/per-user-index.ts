import { assertDimensions, assertId, assertK, assertUnitVector } from "./checks.js";
import type { SearchHit, VectorIndex } from "./port.js";
import { decodeSnapshot, encodeSnapshot, type Partition } from "./snapshot.js";

/** One user's vectors in an adapter's own structure. Arguments arrive checked. */
export interface UserVectorStore {
  readonly count: number;
  has(id: number): boolean;
  /** The stored vector, when the store keeps it in JavaScript memory. */
  vector?(id: number): Float32Array | undefined;
  /** Inserts or replaces. */
  set(id: number, vector: Float32Array): void;
  delete(id: number): void;
  /** At most `k` hits, best first. */
  search(query: Float32Array, k: number): SearchHit[];
  /** The live ids and their rows, for snapshots; grouped into the store's partition if it has one. */
  rows(): { ids: Float64Array; vectors: Float32Array; partition?: Partition };
  /** Stops the store's background work, if any: the index no longer uses the store. */
  dispose?(): void;
}

/** How an adapter makes its per-user stores. */
export interface UserVectorStoreFactory {
  empty(dimensions: number): UserVectorStore;
  /**
   * From a snapshot's rows: unique ids, one row of `vectors` per id, possibly with a partition (which a store may
   * ignore); may take ownership of the arrays.
   */
  fromRows(
    dimensions: number,
    ids: Float64Array,
    vectors: Float32Array,
    partition?: Partition,
  ): UserVectorStore;
  /** Resolves when the stores' background work is done. */
  settled?(): Promise<void>;
}

/**
 * The VectorIndex of every adapter: one store per user, created on the user's first vector and dropped with the
 * last, so isolation is structural. Checks arguments and handles snapshots; the stores only store and search.
 */
export class PerUserVectorIndex implements VectorIndex {
  private users = new Map<number, UserVectorStore>();
  private total = 0;

  constructor(
    readonly kind: VectorIndex["kind"],
    readonly dimensions: number,
    private readonly stores: UserVectorStoreFactory,
  ) {
    assertDimensions(dimensions);
  }

  add(userId: number, id: number, vector: Float32Array): void {
    assertId("userId", userId);
    assertId("id", id);
    assertUnitVector(this.dimensions, vector);
    let user = this.users.get(userId);
    if (!user) {
      user = this.stores.empty(this.dimensions);
      this.users.set(userId, user);
    }
    const before = user.count;
    user.set(id, vector);
    this.total += user.count - before;
  }

  remove(userId: number, id: number): void {
    const user = this.users.get(userId);
    if (!user?.has(id)) return;
    user.delete(id);
    this.total--;
    if (user.count === 0) {
      user.dispose?.();
      this.users.delete(userId);
    }
  }

  has(userId: number, id: number): boolean {
    return this.users.get(userId)?.has(id) ?? false;
  }

  vectorOf(userId: number, id: number): Float32Array | undefined {
    return this.users.get(userId)?.vector?.(id);
  }

  search(userId: number, query: Float32Array, k: number): SearchHit[] {
    assertUnitVector(this.dimensions, query);
    assertK(k);
    const user = this.users.get(userId);
    if (!user || k === 0) return [];
    // Rounding can push the score of a vector against itself just past 1.
    return user.search(query, k).map(({ id, score }) => ({ id, score: Math.min(1, Math.max(-1, score)) }));
  }

  size(): number {
    return this.total;
  }

  sizeOf(userId: number): number {
    return this.users.get(userId)?.count ?? 0;
  }

  serialize(): Buffer {
    return encodeSnapshot(
      this.dimensions,
      [...this.users].map(([userId, user]) => ({ userId, ...user.rows() })),
    );
  }

  load(snapshot: Uint8Array): void {
    // Everything is decoded and built before anything is replaced, so a bad snapshot leaves the index untouched.
    const users = new Map<number, UserVectorStore>();
    let total = 0;
    try {
      for (const { userId, ids, vectors, partition } of decodeSnapshot(this.dimensions, snapshot)) {
        if (ids.length === 0) continue;
        users.set(userId, this.stores.fromRows(this.dimensions, ids, vectors, partition));
        total += ids.length;
      }
    } catch (error) {
      disposeAll(users);
      throw error;
    }
    disposeAll(this.users);
    this.users = users;
    this.total = total;
  }

  clear(): void {
    disposeAll(this.users);
    this.users = new Map();
    this.total = 0;
  }

  /**
   * Resolves when work the index does in the background is done: for the faiss adapter, partitioning large users
   * (they are searchable all along, exactly, until their partition is ready).
   */
  settled(): Promise<void> {
    return this.stores.settled?.() ?? Promise.resolve();
  }
}

function disposeAll(users: Map<number, UserVectorStore>): void {
  for (const user of users.values()) user.dispose?.();
}
