import type { FaissBinding, FaissIndex } from "./faiss-binding.js";
import { encodeFlatIP } from "./faiss-flat-format.js";
import type { UserVectorStore } from "./per-user-index.js";
import type { SearchHit } from "./port.js";

/**
 * Estimates for the memory budget of the resident users: per row, its label's id and its entry in the set of ids
 * beside the vector faiss holds; per store, faiss's index object (measured with `npm run bench`, section
 * index-cache).
 */
const BYTES_PER_ROW = 8 + 40;
const BYTES_PER_STORE = 4096;

/**
 * One user's faiss IndexFlatIP: every search compares the query with every row, exactly. faiss keeps the only copy of
 * the vectors. faiss-node can only append rows labelled with their insertion number (it has no add_with_ids), so the
 * id of each row is kept here, by label.
 */
export class FaissVectors implements UserVectorStore {
  private readonly index: FaissIndex;
  /** Label → id. */
  private readonly labels: number[];
  private readonly ids: Set<number>;

  /** From unique ids and one row of `rows` per id; the rows are copied into faiss. */
  constructor(
    binding: FaissBinding,
    private readonly dimensions: number,
    ids: Float64Array,
    rows: Float32Array,
  ) {
    this.index = binding.Index.fromBuffer(encodeFlatIP(dimensions, rows));
    this.labels = Array.from(ids);
    this.ids = new Set(this.labels);
  }

  get count(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  add(id: number, vector: Float32Array): void {
    this.index.add(Array.from(vector));
    this.labels.push(id);
    this.ids.add(id);
  }

  search(query: Float32Array, k: number): SearchHit[] {
    // faiss-node rejects a k larger than the index.
    const { distances, labels } = this.index.search(Array.from(query), Math.min(k, this.count));
    return labels.map((label, rank) => ({
      id: this.labels[label] as number,
      score: distances[rank] as number,
    }));
  }

  get bytes(): number {
    return BYTES_PER_STORE + this.count * (this.dimensions * 4 + BYTES_PER_ROW);
  }
}
