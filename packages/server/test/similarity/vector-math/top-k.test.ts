import { describe, expect, it } from "vitest";
import { TopK } from "../../../src/similarity/vector-math/top-k.js";
import { seededRandom } from "../vector-index/random-vectors.js";

describe("TopK", () => {
  it("keeps the k best of many, best first", () => {
    const random = seededRandom(3);
    const scores = Array.from({ length: 1000 }, () => random() * 2 - 1);
    const top = new TopK(10);
    scores.forEach((score, item) => {
      top.offer(score, item);
    });
    const expected = scores
      .map((score, item) => ({ item, score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    expect(top.drain()).toEqual(expected);
  });

  it("returns fewer when offered fewer, and nothing for k = 0", () => {
    const top = new TopK(5);
    top.offer(0.1, 1);
    top.offer(0.9, 2);
    top.offer(0.5, 3);
    expect(top.drain().map(({ item }) => item)).toEqual([2, 3, 1]);

    const none = new TopK(0);
    none.offer(1, 1);
    expect(none.drain()).toEqual([]);
  });

  it("keeps ties without losing items", () => {
    const top = new TopK(3);
    for (let item = 0; item < 6; item++) top.offer(0.5, item);
    const kept = top.drain();
    expect(kept).toHaveLength(3);
    expect(kept.every(({ score }) => score === 0.5)).toBe(true);
  });
});
