import type { BackgroundJob, BackgroundWork } from "./background-work.js";
import type { FaissBinding, FaissIndex } from "./faiss-binding.js";
import { decodeIvf, encodeIvf } from "./faiss-ivf-format.js";
import { trainCentroids } from "./kmeans.js";
import type { PartitionPolicy } from "./partition-policy.js";
import type { UserVectorStore } from "./per-user-index.js";
import type { SearchHit } from "./port.js";

/**
 * Rows appended per step while a new partition is filled: faiss compares each appended row with every centroid, so a
 * few rows are what fits in one slice of BackgroundWork.
 */
const ROWS_PER_STEP = 16;
/**
 * Estimates for the memory budget of the resident users: per row, its label's id and its entry in the set of ids
 * beside the vector faiss holds; per store, faiss's index object and its list structures (measured with
 * `npm run bench`, section index-cache).
 */
const BYTES_PER_ROW = 8 + 40;
const BYTES_PER_STORE = 4096;

/** What every user's store of one faiss VectorIndex shares. */
export interface FaissStoreContext {
  binding: FaissBinding;
  dimensions: number;
  policy: PartitionPolicy;
  work: BackgroundWork;
}

/** A user's rows: unique ids, one row of `vectors` per id. */
interface Rows {
  ids: Float64Array;
  vectors: Float32Array;
}

/** A row added while a new partition was being made, to be appended to the new index too. */
interface Appended {
  id: number;
  vector: Float32Array;
}

/**
 * One user's faiss IndexIVFFlat. Below the policy's threshold it has a single list, which every search scans: exact.
 * Past it, the user's vectors are partitioned in the background (BackgroundWork) while the current index goes on
 * answering and taking writes; the new index then replaces it, with the writes made meanwhile. faiss keeps the only
 * copy of the vectors. faiss-node can only append rows labelled with their insertion number (it has no add_with_ids),
 * so the id of each row is kept here, by label.
 */
export class FaissVectors implements UserVectorStore {
  private index!: FaissIndex;
  /** Label → id. */
  private labels!: number[];
  private readonly ids = new Set<number>();
  /** 1 while the user is not partitioned. */
  private listCount = 1;
  private partitioning: { job: BackgroundJob; lists: number; appended: Appended[] } | undefined;

  private constructor(private readonly context: FaissStoreContext) {}

  /** From unique ids and their rows (ownership of the arrays passes to the store), partitioned later if due. */
  static fromRows(context: FaissStoreContext, ids: Float64Array, vectors: Float32Array): FaissVectors {
    const { binding, dimensions } = context;
    const store = new FaissVectors(context);
    const single = { centroids: new Float32Array(dimensions), sizes: Uint32Array.of(ids.length), probes: 1 };
    store.index = binding.Index.fromBuffer(encodeIvf(dimensions, { ...single, vectors }));
    store.labels = Array.from(ids);
    for (const id of ids) store.ids.add(id);
    store.partitionIfDue({ ids, vectors });
    return store;
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
    this.partitioning?.appended.push({ id, vector: vector.slice() });
    this.partitionIfDue();
  }

  search(query: Float32Array, k: number): SearchHit[] {
    // faiss-node rejects a k larger than the index; a partitioned index may find fewer, labelled -1.
    const { distances, labels } = this.index.search(Array.from(query), Math.min(k, this.count));
    const hits: SearchHit[] = [];
    labels.forEach((label, rank) => {
      if (label >= 0) hits.push({ id: this.labels[label] as number, score: distances[rank] as number });
    });
    return hits;
  }

  get bytes(): number {
    const { dimensions } = this.context;
    return BYTES_PER_STORE + this.count * (dimensions * 4 + BYTES_PER_ROW) + this.listCount * dimensions * 4;
  }

  get lists(): number {
    return this.listCount;
  }

  dispose(): void {
    this.partitioning?.job.cancel();
    this.partitioning = undefined;
  }

  /** Reads every row back from faiss (a copy of the whole index, as write_index gives no other way). */
  private storedRows(): Rows {
    const stored = decodeIvf(this.index.toBuffer(), this.context.dimensions);
    return { ids: stored.labels.map((label) => this.labels[label] as number), vectors: stored.vectors };
  }

  /** Starts partitioning in the background when the policy says so; `rows` saves reading them back from faiss. */
  private partitionIfDue(rows?: Rows): void {
    const { policy, work } = this.context;
    if (this.partitioning) {
      // Writes came faster than the job (a catch-up burst): its lists would be due again as soon as it is done, so it
      // starts over with every row.
      if (policy.listsFor(this.count) < 2 * this.partitioning.lists) return;
      this.partitioning.job.cancel();
    } else if (!policy.isDue(this.count, this.listCount)) {
      return;
    }
    const source = rows ?? this.storedRows();
    const lists = policy.listsFor(source.ids.length);
    const appended: Appended[] = [];
    this.partitioning = { job: work.run(this.partition(source, lists, appended)), lists, appended };
  }

  /** Trains centroids on the rows and fills a new index with them, a few rows per step. */
  private *partition(rows: Rows, lists: number, appended: Appended[]): Generator<void> {
    const { binding, dimensions, policy } = this.context;
    const count = rows.ids.length;
    try {
      const centroids = yield* trainCentroids(rows.vectors, dimensions, lists, count);
      const index = binding.Index.fromBuffer(
        encodeIvf(dimensions, {
          centroids,
          sizes: new Uint32Array(lists),
          vectors: new Float32Array(0),
          probes: policy.probesFor(lists),
        }),
      );
      // faiss puts each appended row in the list of its nearest centroid.
      for (let row = 0; row < count; row += ROWS_PER_STEP) {
        const end = Math.min(count, row + ROWS_PER_STEP);
        index.add(Array.from(rows.vectors.subarray(row * dimensions, end * dimensions)));
        yield;
      }
      // Then what was added meanwhile, until caught up: the new index takes over in that same step.
      let copied = 0;
      while (copied < appended.length) {
        const batch = appended.slice(copied, copied + ROWS_PER_STEP);
        index.add(batch.flatMap(({ vector }) => Array.from(vector)));
        copied += batch.length;
        yield;
      }
      this.adopt(index, lists, [...rows.ids, ...appended.map(({ id }) => id)]);
    } finally {
      // Whether adopted or failed: a later write may start again.
      if (this.partitioning?.appended === appended) this.partitioning = undefined;
    }
  }

  /** Puts the new index, whose rows hold `labels` in order (every id of the user), in place of the current one. */
  private adopt(index: FaissIndex, lists: number, labels: number[]): void {
    if (index.ntotal() !== labels.length) throw new Error("faiss index and its labels out of step");
    this.index = index;
    this.labels = labels;
    this.listCount = lists;
    this.partitioning = undefined;
    this.partitionIfDue();
  }
}
