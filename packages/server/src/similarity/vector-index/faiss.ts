import { crc32 } from "node:zlib";
import { type FaissBinding, type FaissFlatIndex, loadFaissBinding } from "./faiss-binding.js";
import { decodeFlatIP, encodeFlatIP } from "./faiss-flat-format.js";
import { PerUserVectorIndex, type UserVectorStore } from "./per-user-index.js";
import type { SearchHit } from "./port.js";

const INITIAL_CAPACITY = 16;

/**
 * The faiss adapter (faiss-node, built by scripts/build-faiss.sh), or undefined when faiss-node cannot be loaded.
 * Each user has a flat inner-product index: exact, like the JavaScript adapter, but searched by faiss' native code.
 */
export function loadFaissIndex(dimensions: number): PerUserVectorIndex | undefined {
  const loaded = loadFaissBinding();
  return "binding" in loaded ? createFaissVectorIndex(loaded.binding, dimensions) : undefined;
}

export function createFaissVectorIndex(binding: FaissBinding, dimensions: number): PerUserVectorIndex {
  return new PerUserVectorIndex("faiss", dimensions, {
    empty: (dims) =>
      new FaissVectors(dims, new binding.IndexFlatIP(dims), new Float64Array(0), new Uint32Array(0)),
    fromRows: (dims, ids, vectors) => {
      const checksums = new Uint32Array(ids.length);
      for (let row = 0; row < ids.length; row++) {
        checksums[row] = crc32(vectors.subarray(row * dims, (row + 1) * dims));
      }
      return new FaissVectors(
        dims,
        binding.IndexFlatIP.fromBuffer(encodeFlatIP(dims, vectors)),
        ids,
        checksums,
      );
    },
  });
}

/**
 * One user's faiss IndexFlatIP. A flat index labels rows by position, so ids live here: position → id in `ids`,
 * id → position in `positions`. faiss keeps the only copy of the vectors; a CRC-32 per row tells a replayed vector
 * (the common re-add) from a changed one without it. A changed vector with the same CRC-32 (one chance in 2^32)
 * would keep the old one until the index is next rebuilt from the database.
 */
class FaissVectors implements UserVectorStore {
  private readonly positions = new Map<number, number>();

  constructor(
    private readonly dimensions: number,
    private readonly index: FaissFlatIndex,
    private ids: Float64Array,
    private checksums: Uint32Array,
  ) {
    for (let position = 0; position < ids.length; position++) {
      this.positions.set(ids[position] as number, position);
    }
  }

  get count(): number {
    return this.positions.size;
  }

  has(id: number): boolean {
    return this.positions.has(id);
  }

  set(id: number, vector: Float32Array): void {
    const sum = crc32(vector);
    const position = this.positions.get(id);
    if (position !== undefined) {
      // faiss cannot overwrite a row: a changed vector is removed and appended again.
      if (this.checksums[position] === sum) return;
      this.delete(id);
    }
    const appended = this.count;
    if (appended === this.ids.length) this.grow();
    this.index.add(Array.from(vector));
    this.ids[appended] = id;
    this.checksums[appended] = sum;
    this.positions.set(id, appended);
  }

  /** O(rows after it): faiss closes the gap by moving them down, and their positions follow. Removals are rare. */
  delete(id: number): void {
    const position = this.positions.get(id);
    if (position === undefined) return;
    this.index.removeIds([position]);
    const count = this.count;
    this.ids.copyWithin(position, position + 1, count);
    this.checksums.copyWithin(position, position + 1, count);
    for (let moved = position; moved < count - 1; moved++) {
      this.positions.set(this.ids[moved] as number, moved);
    }
    this.positions.delete(id);
  }

  search(query: Float32Array, k: number): SearchHit[] {
    // faiss-node rejects a k larger than the index.
    const { distances, labels } = this.index.search(Array.from(query), Math.min(k, this.count));
    return labels.map((position, rank) => ({
      id: this.ids[position] as number,
      score: distances[rank] as number,
    }));
  }

  rows(): { ids: Float64Array; vectors: Float32Array } {
    return {
      ids: this.ids.subarray(0, this.count),
      vectors: decodeFlatIP(this.index.toBuffer(), this.dimensions, this.count),
    };
  }

  private grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, this.ids.length * 2);
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    const checksums = new Uint32Array(capacity);
    checksums.set(this.checksums);
    this.ids = ids;
    this.checksums = checksums;
  }
}
