import { describe, expect, it, vi } from "vitest";
import { createExactVectorIndex, type VectorIndex } from "../../../src/similarity/vector-index/index.js";
import type { PerUserVectorIndex } from "../../../src/similarity/vector-index/per-user-index.js";
import { createFaiss } from "./faiss-fixture.js";
import { clusteredUnitVectors, randomUnitVector, seededRandom } from "./random-vectors.js";

const DIMENSIONS = 32;
/**
 * A threshold of 300 and lists of 10 vectors: a few hundred vectors make a partition of tens of lists, of which a
 * search scans 8 (the minimum), as a user of 100k vectors would with the defaults.
 */
const SMALL = { threshold: 300, vectorsPerList: 10 };

/** Lists of the user's index: 1 while it is not partitioned. */
function listsOf(index: PerUserVectorIndex, userId: number): number {
  return index.listsOf(userId);
}

/** The user's vectors as rows, the way a load from the database hands them to replaceUser. */
function asRows(vectors: Map<number, Float32Array>, dimensions = DIMENSIONS) {
  const ids = Float64Array.from(vectors.keys());
  const data = new Float32Array(vectors.size * dimensions);
  [...vectors.values()].forEach((vector, row) => {
    data.set(vector, row * dimensions);
  });
  return { ids, data };
}

/** Every vector, searched for, comes first, with a score of 1. */
function expectAllFindable(index: VectorIndex, userId: number, vectors: Map<number, Float32Array>): void {
  for (const [id, vector] of vectors) {
    expect(index.search(userId, vector, 1)).toEqual([{ id, score: expect.closeTo(1, 5) }]);
  }
}

function numbered(vectors: Float32Array[], firstId = 0): Map<number, Float32Array> {
  return new Map(vectors.map((vector, index) => [firstId + index, vector]));
}

function addAll(index: VectorIndex, userId: number, vectors: Map<number, Float32Array>): void {
  for (const [id, vector] of vectors) index.add(userId, id, vector);
}

/** A faiss index with SMALL partitioning whose background errors fail the test. */
function createSmall() {
  const onBackgroundError = vi.fn();
  const index = createFaiss(DIMENSIONS, { ...SMALL, onBackgroundError });
  return { index, onBackgroundError };
}

describe("faiss partitioning", () => {
  it("keeps every vector findable while a user crosses the threshold and once it is partitioned", async () => {
    const { index, onBackgroundError } = createSmall();
    const vectors = numbered(clusteredUnitVectors(400, DIMENSIONS, 1));
    // User 2 holds copies of some of user 1's vectors, under the same ids.
    const copies = numbered(clusteredUnitVectors(400, DIMENSIONS, 1).slice(0, 20));
    addAll(index, 2, copies);
    addAll(index, 1, vectors);

    // Partitioning started at the 300th vector and runs in the background: searches stay exact meanwhile.
    expect(listsOf(index, 1)).toBe(1);
    expectAllFindable(index, 1, vectors);

    await index.settled();
    expect(listsOf(index, 1)).toBe(30);
    expectAllFindable(index, 1, vectors);
    expect(listsOf(index, 2)).toBe(1);
    expectAllFindable(index, 2, copies);
    expect(index.size()).toBe(420);
    expect(index.search(2, vectors.get(350) as Float32Array, 50).every((hit) => copies.has(hit.id))).toBe(
      true,
    );
    expect(onBackgroundError).not.toHaveBeenCalled();
  });

  it("keeps the additions made while the partition was being made, and ignores replays", async () => {
    const { index, onBackgroundError } = createSmall();
    const random = seededRandom(2);
    const vectors = numbered(clusteredUnitVectors(300, DIMENSIONS, 2));
    addAll(index, 1, vectors);

    // Replays of stored ids, with other vectors, while partitioning: the stored vectors stay.
    for (const id of [30, 40]) index.add(1, id, randomUnitVector(DIMENSIONS, random));
    for (let id = 1000; id < 1010; id++) vectors.set(id, randomUnitVector(DIMENSIONS, random));
    addAll(index, 1, vectors);

    await index.settled();
    expect(listsOf(index, 1)).toBe(30);
    expectAllFindable(index, 1, vectors);
    expect(index.size()).toBe(310);
    expect(onBackgroundError).not.toHaveBeenCalled();
  });

  it("partitions a large user loaded at once, searching exactly meanwhile", async () => {
    const exact = createExactVectorIndex(DIMENSIONS);
    const vectors = numbered(clusteredUnitVectors(400, DIMENSIONS, 5));
    addAll(exact, 1, vectors);

    const { index } = createSmall();
    const { ids, data } = asRows(vectors);
    index.replaceUser(1, ids, data);
    expect(listsOf(index, 1)).toBe(1);
    const query = randomUnitVector(DIMENSIONS, seededRandom(5));
    expect(index.search(1, query, 10).map((hit) => hit.id)).toEqual(
      exact.search(1, query, 10).map((hit) => hit.id),
    );

    await index.settled();
    expect(listsOf(index, 1)).toBe(40);
    expectAllFindable(index, 1, vectors);
    expect(index.size()).toBe(400);
  });

  it("partitions again, into more lists, once the lists have doubled", async () => {
    const { index } = createSmall();
    const vectors = numbered(clusteredUnitVectors(600, DIMENSIONS, 6));
    const first = new Map([...vectors].slice(0, 300));
    addAll(index, 1, first);
    await index.settled();
    expect(listsOf(index, 1)).toBe(30);

    addAll(index, 1, vectors);
    await index.settled();
    expect(listsOf(index, 1)).toBe(60);
    expectAllFindable(index, 1, vectors);
  });

  it("starts partitioning over when a burst of writes doubles the user before the partition is made", async () => {
    const { index, onBackgroundError } = createSmall();
    const vectors = numbered(clusteredUnitVectors(700, DIMENSIONS, 9));
    // Started at 300 vectors for 30 lists, started over at 600 for 60; the last 100 join those 60.
    addAll(index, 1, vectors);
    await index.settled();
    expect(listsOf(index, 1)).toBe(60);
    expectAllFindable(index, 1, vectors);
    expect(index.size()).toBe(700);
    expect(onBackgroundError).not.toHaveBeenCalled();
  });

  it("drops the background work of a user who is dropped or replaced", async () => {
    const { index, onBackgroundError } = createSmall();
    addAll(index, 1, numbered(clusteredUnitVectors(300, DIMENSIONS, 7)));
    index.dropUser(1);
    await index.settled();
    expect(index.size()).toBe(0);

    addAll(index, 1, numbered(clusteredUnitVectors(300, DIMENSIONS, 7)));
    index.replaceUser(1, new Float64Array(0), new Float32Array(0));
    await index.settled();
    expect(index.size()).toBe(0);
    expect(onBackgroundError).not.toHaveBeenCalled();
  });
});

describe("faiss recall once partitioned", () => {
  it("finds at least 95% of the exact top 5 on clustered vectors", async () => {
    const dimensions = 128;
    const count = 30_000;
    const vectors = clusteredUnitVectors(count + 200, dimensions, 8);
    const queries = vectors.splice(count);
    const exact = createExactVectorIndex(dimensions);
    vectors.forEach((vector, id) => {
      exact.add(1, id, vector);
    });
    // Lists of 100: 300 lists of which a search scans 19, about the share a user of 100k scans by default. Scanning
    // 8 of them would find about 92%.
    const faiss = createFaiss(dimensions, { threshold: 10_000, vectorsPerList: 100 });
    const { ids, data } = asRows(numbered(vectors), dimensions);
    faiss.replaceUser(1, ids, data);
    await faiss.settled();
    expect(listsOf(faiss, 1)).toBe(300);

    let found = 0;
    for (const query of queries) {
      const truth = new Set(exact.search(1, query, 5).map((hit) => hit.id));
      found += faiss.search(1, query, 5).filter((hit) => truth.has(hit.id)).length;
    }
    expect(found / (queries.length * 5)).toBeGreaterThanOrEqual(0.95);
  }, 60_000);
});
