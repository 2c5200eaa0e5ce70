import { assertDimensions, assertId, assertK, assertUnitVector } from "../vector-math/checks.js";
import type { SearchHit, VectorIndex } from "./port.js";

/** One user's vectors in an adapter's own structure. Arguments arrive checked. */
export interface UserVectorStore {
  readonly count: number;
  has(id: number): boolean;
  /** The stored vector, when the store keeps it in JavaScript memory. */
  vector?(id: number): Float32Array | undefined;
  /** Stores the vector of an id the store does not have. */
  add(id: number, vector: Float32Array): void;
  /** At most `k` hits, best first. */
  search(query: Float32Array, k: number): SearchHit[];
  /** An estimate of the memory the store takes, in bytes. */
  readonly bytes: number;
}

/** How an adapter makes its per-user stores. */
export interface UserVectorStoreFactory {
  empty(dimensions: number): UserVectorStore;
  /** From unique ids and one row of `vectors` per id; may take ownership of the arrays. */
  fromRows(dimensions: number, ids: Float64Array, vectors: Float32Array): UserVectorStore;
}

/**
 * The VectorIndex of every adapter: one store per user, created on the user's first vector and dropped with the
 * last, so isolation is structural. Checks arguments; the stores only store and search.
 */
export class PerUserVectorIndex implements VectorIndex {
  private readonly users = new Map<number, UserVectorStore>();
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
    if (user.has(id)) return;
    user.add(id, vector);
    this.total++;
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

  replaceUser(userId: number, ids: Float64Array, vectors: Float32Array): void {
    assertId("userId", userId);
    const { dimensions } = this;
    if (vectors.length !== ids.length * dimensions) {
      throw new RangeError(
        `expected ${ids.length} rows of ${dimensions} dimensions, got ${vectors.length} values`,
      );
    }
    const seen = new Set<number>();
    ids.forEach((id, row) => {
      assertId("id", id);
      if (seen.has(id)) throw new RangeError(`id ${id} appears twice`);
      seen.add(id);
      assertUnitVector(dimensions, vectors.subarray(row * dimensions, (row + 1) * dimensions));
    });
    this.dropUser(userId);
    if (ids.length === 0) return;
    this.users.set(userId, this.stores.fromRows(dimensions, ids, vectors));
    this.total += ids.length;
  }

  dropUser(userId: number): void {
    const user = this.users.get(userId);
    if (!user) return;
    this.users.delete(userId);
    this.total -= user.count;
  }

  bytesOf(userId: number): number {
    return this.users.get(userId)?.bytes ?? 0;
  }
}
