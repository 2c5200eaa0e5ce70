/**
 * When a user's faiss index is partitioned into inverted lists (IVF), and how finely. Below the threshold a user has
 * one list, which every search scans: exact, as fast as a flat index, and cheap to keep. From the threshold on, the
 * vectors are grouped around trained centroids and a search scans only the lists nearest to the query (see
 * probesFor): its cost then grows with the lists it scans rather than with the user, for a few of the exact nearest
 * missed. Search times and recall, on clustered vectors and on sentence embeddings, are in BENCHMARKS.md
 * (bench/vector-index.bench.ts).
 */

export interface PartitionOptions {
  /**
   * Vectors from which a user's index is partitioned. Default 10,000: below it a scan of every vector is cheap next
   * to embedding the query (BENCHMARKS.md), so search stays exact.
   */
  threshold?: number;
  /** Average vectors per list when a partition is made. Default 400. */
  vectorsPerList?: number;
}

/** A search scans at least this many lists, so that small partitions stay nearly exact. */
const MIN_PROBES = 8;
/** …and otherwise this share of the lists. */
const PROBED_SHARE = 1 / 16;

export class PartitionPolicy {
  readonly threshold: number;
  readonly vectorsPerList: number;

  constructor({ threshold = 10_000, vectorsPerList = 400 }: PartitionOptions = {}) {
    for (const [name, value] of Object.entries({ threshold, vectorsPerList })) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`${name} must be a positive integer, got ${value}`);
      }
    }
    this.threshold = threshold;
    this.vectorsPerList = vectorsPerList;
  }

  listsFor(count: number): number {
    return Math.max(2, Math.ceil(count / this.vectorsPerList));
  }

  probesFor(lists: number): number {
    return Math.min(lists, Math.max(MIN_PROBES, Math.ceil(lists * PROBED_SHARE)));
  }

  /**
   * Whether a user of `count` vectors now in `lists` lists (1: not partitioned) should be partitioned afresh: on
   * crossing the threshold, then each time the lists have grown to twice their planned size, so that a search keeps
   * scanning a few thousand vectors and the (re)partitioning work stays proportional to the vectors added.
   */
  isDue(count: number, lists: number): boolean {
    return count >= this.threshold && this.listsFor(count) >= 2 * lists;
  }
}
