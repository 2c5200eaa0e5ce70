import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  evaluateReuse,
  type PairOutcome,
  readReusePairs,
  recommendedThreshold,
  rowsByThreshold,
} from "../../../../../scripts/eval-reuse.js";
import { BundledEmbedder, type Embedder } from "../../../src/similarity/embeddings/index.js";

/**
 * `npm run eval:reuse` on the labelled set and on the held-out set written apart from the checks: at the threshold
 * the README recommends, near misses are (almost) never answered from the history. The reuse of paraphrases is
 * held where it was measured (the goal of 60 % is not reached with the bundled English-only model: see
 * BENCHMARKS.md), so that a change that loses reuse shows.
 */
describe("answer reuse on the labelled sets (npm run eval:reuse)", () => {
  let embedder: Embedder;
  const RECOMMENDED = 0.5;
  beforeAll(async () => {
    embedder = await BundledEmbedder.load();
  });
  afterAll(() => embedder.close());

  const rowAt = (outcomes: PairOutcome[]) => rowsByThreshold(outcomes, [RECOMMENDED])[0];

  it("keeps false reuse within 1 % at the recommended threshold, and reuses at least half the paraphrases", async () => {
    for (const path of [undefined, "eval/answer-reuse/held-out.json"]) {
      const pairs = await readReusePairs(path);
      const outcomes = await evaluateReuse(pairs, embedder);
      const row = rowAt(outcomes);
      expect(row?.falseReuse, path).toBeLessThanOrEqual(0.01);
      expect(row?.wrongAnswer, path).toBe(0);
      expect(row?.reuse, path).toBeGreaterThanOrEqual(0.5);
      expect(recommendedThreshold(rowsByThreshold(outcomes))?.threshold, path).toBe(RECOMMENDED);
    }
  }, 120_000);
});
