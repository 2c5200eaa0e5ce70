/**
 * Hands out a sequence's values taken a block at a time (one `nextval … FROM generate_series` per block), so that
 * naming a prompt before it is stored costs a database round trip per block instead of one per prompt: at 500
 * calls a second, that round trip before the model was half of what queued them (BENCHMARKS.md, gateway).
 *
 * Ids then follow each other on one instance but interleave across instances, and the rest of a block is never
 * used when its instance stops. Nothing depends on either: lists order by (created_at, id), the backlog of vectors
 * is read from the first id each time, and a sequence has gaps anyway (a rolled-back insert leaves one).
 */
export class SequenceBlocks {
  readonly #ids: number[] = [];
  #taking: Promise<void> | undefined;

  constructor(
    private readonly take: (count: number) => Promise<number[]>,
    private readonly blockSize: number,
  ) {}

  async next(): Promise<number> {
    while (this.#ids.length === 0) {
      // One block taken at a time, whoever waits for it; a failed take fails its waiters, and the next call tries again.
      this.#taking ??= this.take(this.blockSize)
        .then((ids) => {
          this.#ids.push(...ids);
        })
        .finally(() => {
          this.#taking = undefined;
        });
      await this.#taking;
    }
    return this.#ids.shift() as number;
  }
}
