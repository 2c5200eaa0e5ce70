/**
 * Keeps the `k` highest-scoring items offered, in a min-heap whose root is the worst one kept: a candidate that does
 * not beat the root (most of them, once the heap is full) costs one comparison, so selection is O(n log k) at worst
 * instead of sorting all n scores.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly items: Float64Array;
  private count = 0;

  constructor(private readonly k: number) {
    this.scores = new Float64Array(k);
    this.items = new Float64Array(k);
  }

  offer(score: number, item: number): void {
    if (this.count < this.k) {
      this.siftUp(this.count++, score, item);
    } else if (this.k > 0 && score > (this.scores[0] as number)) {
      this.siftDown(0, score, item);
    }
  }

  /** The items kept, best first; empties the selection. */
  drain(): Array<{ item: number; score: number }> {
    const result = new Array<{ item: number; score: number }>(this.count);
    while (this.count > 0) {
      result[this.count - 1] = { item: this.items[0] as number, score: this.scores[0] as number };
      const last = --this.count;
      if (last > 0) this.siftDown(0, this.scores[last] as number, this.items[last] as number);
    }
    return result;
  }

  private siftUp(hole: number, score: number, item: number): void {
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if ((this.scores[parent] as number) <= score) break;
      this.scores[hole] = this.scores[parent] as number;
      this.items[hole] = this.items[parent] as number;
      hole = parent;
    }
    this.scores[hole] = score;
    this.items[hole] = item;
  }

  private siftDown(hole: number, score: number, item: number): void {
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= this.count) break;
      if (child + 1 < this.count && (this.scores[child + 1] as number) < (this.scores[child] as number))
        child++;
      if ((this.scores[child] as number) >= score) break;
      this.scores[hole] = this.scores[child] as number;
      this.items[hole] = this.items[child] as number;
      hole = child;
    }
    this.scores[hole] = score;
    this.items[hole] = item;
  }
}
