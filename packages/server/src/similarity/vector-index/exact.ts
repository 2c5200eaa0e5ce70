import { dotProduct } from "../vector-math/dot-product.js";
import { TopK } from "../vector-math/top-k.js";
import { PerUserVectorIndex, type UserVectorStore } from "./per-user-index.js";
import type { SearchHit } from "./port.js";

const INITIAL_CAPACITY = 16;
/**
 * What V8 spends on one entry of the id → slot map and on the store's objects: estimates for the memory budget of
 * the resident users, measured (`npm run bench`, section index-cache) rather than derived.
 */
const BYTES_PER_MAP_ENTRY = 40;
const BYTES_PER_STORE = 400;

/** Brute-force search in plain JavaScript: exact, no native code, and the fallback when faiss cannot load. */
export function createExactVectorIndex(dimensions: number): PerUserVectorIndex {
  return new PerUserVectorIndex("exact", dimensions, {
    empty: (dims) => new DenseVectors(dims, new Float64Array(0), new Float32Array(0)),
    fromRows: (dims, ids, vectors) => new DenseVectors(dims, ids, vectors),
  });
}

/**
 * One user's vectors, row after row in a single Float32Array, so that a search streams through memory once.
 * Capacity doubles when full.
 */
class DenseVectors implements UserVectorStore {
  private readonly slots = new Map<number, number>();

  constructor(
    private readonly dimensions: number,
    private ids: Float64Array,
    private data: Float32Array,
  ) {
    for (let slot = 0; slot < ids.length; slot++) this.slots.set(ids[slot] as number, slot);
  }

  get count(): number {
    return this.slots.size;
  }

  get bytes(): number {
    return BYTES_PER_STORE + this.ids.byteLength + this.data.byteLength + this.count * BYTES_PER_MAP_ENTRY;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  vector(id: number): Float32Array | undefined {
    const slot = this.slots.get(id);
    return slot === undefined
      ? undefined
      : this.data.subarray(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  add(id: number, vector: Float32Array): void {
    const slot = this.count;
    if (slot === this.ids.length) this.grow();
    this.slots.set(id, slot);
    this.ids[slot] = id;
    this.data.set(vector, slot * this.dimensions);
  }

  search(query: Float32Array, k: number): SearchHit[] {
    const { data, dimensions } = this;
    const count = this.count;
    const top = new TopK(Math.min(k, count));
    for (let slot = 0, row = 0; slot < count; slot++, row += dimensions) {
      top.offer(dotProduct(data, row, query, 0, dimensions), slot);
    }
    return top.drain().map(({ item, score }) => ({ id: this.ids[item] as number, score }));
  }

  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, this.ids.length * 2);
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    const data = new Float32Array(capacity * this.dimensions);
    data.set(this.data);
    this.ids = ids;
    this.data = data;
  }
}
