import { crc32 } from "node:zlib";
import type { BackgroundJob, BackgroundWork } from "./background-work.js";
import type { FaissBinding, FaissIndex } from "./faiss-binding.js";
import { decodeIvf, encodeIvf } from "./faiss-ivf-format.js";
import { FaissSlots } from "./faiss-slots.js";
import { trainCentroids } from "./kmeans.js";
import type { PartitionPolicy } from "./partition-policy.js";
import type { UserVectorStore } from "./per-user-index.js";
import type { SearchHit } from "./port.js";

/**
 * Rows appended per step while a new partition is filled: about 2 ms, as faiss compares each row with every centroid
 * (150 µs a row for 250 lists of 512 dimensions, with Debian's generic build).
 */
const ROWS_PER_STEP = 16;
/**
 * Dead rows (see FaissSlots) tolerated before the index is rebuilt without them: each one widens every search by one
 * hit, and a rebuild copies every vector through faiss on the call that crosses the limit (1.3 s at 100k, once per
 * 1024 removals or replacements), so the limit grows with the user up to a cap.
 */
const MIN_DEAD = 64;
const MAX_DEAD = 1024;
/**
 * Estimates for the memory budget of the resident users: per row, its label's id, checksum and map entry beside the
 * vector faiss holds; per store, faiss's index object and its list structures (measured with `npm run bench`,
 * section index-cache).
 */
const BYTES_PER_ROW = 8 + 4 + 40;
const BYTES_PER_STORE = 4096;

/** How a user's vectors are grouped into lists: the centroid of each list and how many rows it holds, in order. */
interface Partition {
  centroids: Float32Array;
  sizes: Uint32Array;
}

/** What every user's store of one faiss VectorIndex shares. */
export interface FaissStoreContext {
  binding: FaissBinding;
  dimensions: number;
  policy: PartitionPolicy;
  work: BackgroundWork;
}

/** A user's live rows, in list order, each with its label in the index they were read from. */
interface LiveRows {
  ids: Float64Array;
  vectors: Float32Array;
  slots: Uint32Array;
  checksums: Uint32Array;
  partition?: Partition;
}

/** A row appended while a new partition was being made, to be appended to the new index too. */
interface Appended {
  id: number;
  slot: number;
  vector: Float32Array;
}

/**
 * One user's faiss IndexIVFFlat. Below the policy's threshold it has a single list, which every search scans: exact.
 * Past it, the user's vectors are partitioned in the background (BackgroundWork) while the current index goes on
 * answering and taking writes; the new index then replaces it, with the writes made meanwhile. faiss keeps the only
 * copy of the vectors; ids live in FaissSlots.
 */
export class FaissVectors implements UserVectorStore {
  private index!: FaissIndex;
  private slots!: FaissSlots;
  /** 1 while the user is not partitioned. */
  private listCount = 1;
  private partitioning: { job: BackgroundJob; lists: number; appended: Appended[] } | undefined;

  private constructor(private readonly context: FaissStoreContext) {}

  /** From unique ids and their rows (ownership of the arrays passes to the store), partitioned later if due. */
  static fromRows(context: FaissStoreContext, ids: Float64Array, vectors: Float32Array): FaissVectors {
    const { dimensions } = context;
    const checksums = new Uint32Array(ids.length);
    for (let row = 0; row < ids.length; row++) {
      checksums[row] = crc32(vectors.subarray(row * dimensions, (row + 1) * dimensions));
    }
    const rows = { ids, vectors, slots: Uint32Array.from(ids, (_, row) => row), checksums };
    const store = new FaissVectors(context);
    store.replaceIndex(rows);
    store.partitionIfDue(rows);
    return store;
  }

  get count(): number {
    return this.slots.live;
  }

  has(id: number): boolean {
    return this.slots.find(id) !== undefined;
  }

  set(id: number, vector: Float32Array): void {
    const checksum = crc32(vector);
    const previous = this.slots.find(id);
    if (previous !== undefined) {
      if (this.slots.checksumAt(previous) === checksum) return;
      this.slots.kill(previous);
    }
    this.index.add(Array.from(vector));
    const slot = this.slots.append(id, checksum);
    this.partitioning?.appended.push({ id, slot, vector: vector.slice() });
    this.compactIfDue();
    this.partitionIfDue();
  }

  delete(id: number): void {
    const slot = this.slots.find(id);
    if (slot === undefined) return;
    this.slots.kill(slot);
    this.compactIfDue();
  }

  search(query: Float32Array, k: number): SearchHit[] {
    const wanted = Math.min(k, this.count);
    // Dead rows may be among the nearest; asking for that many more keeps `wanted` live ones. faiss-node rejects a k
    // larger than the index.
    const asked = Math.min(this.slots.rows, wanted + this.slots.dead);
    const { distances, labels } = this.index.search(Array.from(query), asked);
    const hits: SearchHit[] = [];
    for (let rank = 0; rank < labels.length && hits.length < wanted; rank++) {
      const id = this.slots.idAt(labels[rank] as number);
      if (id !== undefined) hits.push({ id, score: distances[rank] as number });
    }
    return hits;
  }

  get bytes(): number {
    const { dimensions } = this.context;
    return (
      BYTES_PER_STORE + this.slots.rows * (dimensions * 4 + BYTES_PER_ROW) + this.listCount * dimensions * 4
    );
  }

  get lists(): number {
    return this.listCount;
  }

  dispose(): void {
    this.partitioning?.job.cancel();
    this.partitioning = undefined;
  }

  /** Reads every live row back from faiss (a copy of the whole index, as write_index gives no other way). */
  private liveRows(): LiveRows {
    const { dimensions } = this.context;
    const stored = decodeIvf(this.index.toBuffer(), dimensions);
    const live = this.count;
    const rows: LiveRows = {
      ids: new Float64Array(live),
      vectors: this.slots.dead === 0 ? stored.vectors : new Float32Array(live * dimensions),
      slots: new Uint32Array(live),
      checksums: new Uint32Array(live),
    };
    const sizes = new Uint32Array(stored.sizes.length);
    let kept = 0;
    let row = 0;
    stored.sizes.forEach((size, list) => {
      for (const end = row + size; row < end; row++) {
        const slot = stored.labels[row] as number;
        const id = this.slots.idAt(slot);
        if (id === undefined) continue;
        if (rows.vectors !== stored.vectors) {
          rows.vectors.set(
            stored.vectors.subarray(row * dimensions, (row + 1) * dimensions),
            kept * dimensions,
          );
        }
        rows.ids[kept] = id;
        rows.slots[kept] = slot;
        rows.checksums[kept] = this.slots.checksumAt(slot);
        sizes[list] = (sizes[list] as number) + 1;
        kept++;
      }
    });
    if (this.listCount > 1) rows.partition = { centroids: stored.centroids, sizes };
    return rows;
  }

  /** A new index of exactly these rows, labelled in order, in their partition or else in a single list. */
  private replaceIndex(rows: LiveRows): void {
    const { binding, dimensions, policy } = this.context;
    const count = rows.ids.length;
    const partition = rows.partition && rows.partition.sizes.length > 1 ? rows.partition : undefined;
    const layout = partition
      ? { ...partition, probes: policy.probesFor(partition.sizes.length) }
      : { centroids: new Float32Array(dimensions), sizes: Uint32Array.of(count), probes: 1 };
    this.index = binding.Index.fromBuffer(encodeIvf(dimensions, { ...layout, vectors: rows.vectors }));
    // Copies: a partitioning job may still read the rows, and the slots mark dead ids in place.
    this.slots = new FaissSlots(rows.ids.slice(), rows.checksums.slice());
    this.listCount = layout.sizes.length;
  }

  private compactIfDue(): void {
    const { dead, live } = this.slots;
    if (this.partitioning || dead < Math.min(MAX_DEAD, Math.max(MIN_DEAD, live / 8))) return;
    this.replaceIndex(this.liveRows());
  }

  /** Starts partitioning in the background when the policy says so; `rows` saves reading them back from faiss. */
  private partitionIfDue(rows?: LiveRows): void {
    const { policy, work } = this.context;
    if (this.partitioning) {
      // Writes came faster than the job (a catch-up burst): its lists would be due again as soon as it is done, so it
      // starts over with every row.
      if (policy.listsFor(this.count) < 2 * this.partitioning.lists) return;
      this.partitioning.job.cancel();
    } else if (!policy.isDue(this.count, this.listCount)) {
      return;
    }
    const source = rows ?? this.liveRows();
    const lists = policy.listsFor(source.ids.length);
    const appended: Appended[] = [];
    this.partitioning = { job: work.run(this.partition(source, lists, appended)), lists, appended };
  }

  /** Trains centroids on the rows and fills a new index with them, a few rows per step. */
  private *partition(rows: LiveRows, lists: number, appended: Appended[]): Generator<void> {
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
      // Then what was appended meanwhile, until caught up: the new index takes over in that same step.
      let copied = 0;
      while (copied < appended.length) {
        const batch = appended.slice(copied, copied + ROWS_PER_STEP);
        index.add(batch.flatMap(({ vector }) => Array.from(vector)));
        copied += batch.length;
        yield;
      }
      this.adopt(index, lists, rows, appended);
    } finally {
      // Whether adopted or failed: a later write may start again; compaction may run again.
      if (this.partitioning?.appended === appended) this.partitioning = undefined;
    }
  }

  /**
   * Puts the new index, which holds `rows` then `appended`, in place of the current one. Rows removed or replaced
   * meanwhile are in it too, so they are marked dead there as well: a row is alive in the new index only if its id's
   * live row in the current index is the very row it was copied from.
   */
  private adopt(index: FaissIndex, lists: number, rows: LiveRows, appended: Appended[]): void {
    const slots = new FaissSlots();
    const copy = (id: number, from: number) => {
      const slot = slots.append(id, this.slots.checksumAt(from));
      if (this.slots.find(id) !== from) slots.kill(slot);
    };
    rows.ids.forEach((id, row) => {
      copy(id, rows.slots[row] as number);
    });
    for (const { id, slot } of appended) copy(id, slot);
    if (index.ntotal() !== slots.rows) throw new Error("faiss index and its labels out of step");
    this.index = index;
    this.slots = slots;
    this.listCount = lists;
    this.partitioning = undefined;
    this.compactIfDue();
    this.partitionIfDue();
  }
}
