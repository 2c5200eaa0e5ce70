import { describe, expect, it } from "vitest";
import type { VectorIndex } from "../../../src/similarity/vector-index/index.js";
import { dot, nearCopy, randomUnitVector, randomUnitVectors, seededRandom } from "./random-vectors.js";

const DIMENSIONS = 16;

/** One contract, every adapter of the vector-index port. `create` makes an empty index of the adapter. */
export function vectorIndexContract(name: string, create: (dimensions: number) => VectorIndex): void {
  describe(`vector index contract: ${name}`, () => {
    const random = seededRandom(7);
    const vector = () => randomUnitVector(DIMENSIONS, random);

    /** An index with `count` random vectors for `userId`, ids 1..count; returns the vectors by id. */
    const filled = (index: VectorIndex, userId: number, count: number) => {
      const vectors = new Map<number, Float32Array>();
      for (let id = 1; id <= count; id++) {
        vectors.set(id, vector());
        index.add(userId, id, vectors.get(id) as Float32Array);
      }
      return vectors;
    };

    /** How many vectors the user has: a search for all of them. */
    const countOf = (index: VectorIndex, userId: number) => index.search(userId, vector(), 10_000).length;

    /** The true top k by brute force in the test itself. */
    const expectedTop = (vectors: Map<number, Float32Array>, query: Float32Array, k: number) =>
      [...vectors]
        .map(([id, stored]) => ({ id, score: dot(stored, query) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);

    it("reports its kind and dimensions", () => {
      const index = create(DIMENSIONS);
      expect(index.kind).toBe(name);
      expect(index.dimensions).toBe(DIMENSIONS);
    });

    it("never shows one user another user's vectors, even when they are closer and k exceeds the user's count", () => {
      const index = create(DIMENSIONS);
      const own = filled(index, 1, 3);
      // User 2 holds exact copies and near copies of every vector of user 1, under the same ids and others.
      for (const [id, stored] of own) {
        index.add(2, id, stored);
        index.add(2, 100 + id, nearCopy(stored, 0.01, random));
      }
      for (let id = 200; id < 220; id++) index.add(2, id, vector());

      for (const [id, stored] of own) {
        const hits = index.search(1, stored, 50);
        expect(hits.map((hit) => hit.id).sort()).toEqual([1, 2, 3]);
        expect(hits[0]).toMatchObject({ id });
      }
      expect(countOf(index, 1)).toBe(3);
      expect(countOf(index, 2)).toBe(26);
      expect(index.has(1, 101)).toBe(false);
      expect(index.has(2, 101)).toBe(true);
    });

    it("returns the true top k, best first, with cosine scores", () => {
      const index = create(DIMENSIONS);
      const vectors = filled(index, 1, 60);
      for (let round = 0; round < 5; round++) {
        const query = vector();
        const hits = index.search(1, query, 7);
        const expected = expectedTop(vectors, query, 7);
        expect(hits.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
        hits.forEach((hit, rank) => {
          expect(hit.score).toBeCloseTo(expected[rank]?.score as number, 5);
          if (rank > 0) expect(hit.score).toBeLessThanOrEqual(hits[rank - 1]?.score as number);
        });
      }
    });

    it("finds a stored vector first with a score of 1, and never scores outside [-1, 1]", () => {
      const index = create(DIMENSIONS);
      const vectors = filled(index, 1, 20);
      for (const [id, stored] of vectors) {
        const [best] = index.search(1, stored, 1);
        expect(best?.id).toBe(id);
        expect(best?.score).toBeCloseTo(1, 5);
        expect(best?.score).toBeLessThanOrEqual(1);
        const negated = stored.map((value) => -value);
        const all = index.search(1, negated, 20);
        expect(all.at(-1)?.score).toBeGreaterThanOrEqual(-1);
      }
    });

    it("keeps the vector of an id added again: a replay changes nothing", () => {
      const index = create(DIMENSIONS);
      const vectors = filled(index, 1, 5);
      const first = vectors.get(3) as Float32Array;
      const second = vector();

      index.add(1, 3, first);
      index.add(1, 3, second);
      expect(index.size()).toBe(5);
      expect(index.search(1, first, 1)).toEqual([{ id: 3, score: expect.closeTo(1, 5) }]);
      const againstSecond = index.search(1, second, 5).find((hit) => hit.id === 3);
      expect(againstSecond?.score).toBeCloseTo(dot(first, second), 5);
      for (const [id, stored] of vectors) expect(index.search(1, stored, 1)[0]?.id).toBe(id);
    });

    it("returns everything the user has when k is larger, nothing for k = 0 or an unknown user", () => {
      const index = create(DIMENSIONS);
      const vectors = filled(index, 1, 4);
      const query = vector();
      expect(index.search(1, query, 100).map((hit) => hit.id)).toEqual(
        expectedTop(vectors, query, 4).map((hit) => hit.id),
      );
      expect(index.search(1, query, 0)).toEqual([]);
      expect(index.search(2, query, 5)).toEqual([]);
      expect(index.has(2, 1)).toBe(false);
    });

    it("counts vectors per user and in total, and forgets one user's vectors on dropUser", () => {
      const index = create(DIMENSIONS);
      expect(index.size()).toBe(0);
      filled(index, 1, 3);
      const kept = filled(index, 2, 5);
      expect([index.size(), countOf(index, 1), countOf(index, 2)]).toEqual([8, 3, 5]);
      index.dropUser(1);
      index.dropUser(7); // nobody: nothing happens
      expect([index.size(), countOf(index, 1), countOf(index, 2)]).toEqual([5, 0, 5]);
      expect(index.search(1, vector(), 3)).toEqual([]);
      expect(index.bytesOf(1)).toBe(0);
      for (const [id, stored] of kept) expect(index.search(2, stored, 1)[0]?.id).toBe(id);
    });

    it("estimates a user's memory as growing with their vectors, at least their raw size", () => {
      const index = create(DIMENSIONS);
      filled(index, 1, 10);
      filled(index, 2, 1000);
      const rawBytes = DIMENSIONS * Float32Array.BYTES_PER_ELEMENT;
      expect(index.bytesOf(1)).toBeGreaterThanOrEqual(10 * rawBytes);
      expect(index.bytesOf(2)).toBeGreaterThanOrEqual(1000 * rawBytes);
      expect(index.bytesOf(2)).toBeGreaterThan(index.bytesOf(1));
      expect(index.bytesOf(3)).toBe(0);
    });

    it("rejects vectors of other dimensions, vectors that are not unit length, bad ids and bad k", () => {
      const index = create(DIMENSIONS);
      filled(index, 1, 2);
      const short = randomUnitVector(DIMENSIONS - 1, random);
      expect(() => index.add(1, 3, short)).toThrow(RangeError);
      expect(() => index.search(1, short, 1)).toThrow(RangeError);
      expect(() =>
        index.add(
          1,
          3,
          vector().map((value) => value * 2),
        ),
      ).toThrow(RangeError);
      expect(() => index.add(1, 3, new Float32Array(DIMENSIONS))).toThrow(RangeError);
      expect(() => index.add(1, 3, vector().fill(Number.NaN))).toThrow(RangeError);
      expect(() => index.add(1.5, 3, vector())).toThrow(RangeError);
      expect(() => index.add(1, Number.NaN, vector())).toThrow(RangeError);
      expect(() => index.search(1, vector(), -1)).toThrow(RangeError);
      expect(index.size()).toBe(2);
    });

    describe("replaceUser", () => {
      /** Rows for ids 1..count, as a load from the database gives them. */
      const rows = (count: number) => {
        const vectors = new Map<number, Float32Array>();
        for (let id = 1; id <= count; id++) vectors.set(id, vector());
        const ids = Float64Array.from(vectors.keys());
        const data = new Float32Array(count * DIMENSIONS);
        [...vectors.values()].forEach((stored, row) => {
          data.set(stored, row * DIMENSIONS);
        });
        return { vectors, ids, data };
      };

      it("sets one user's vectors to exactly the rows given, leaving other users alone", () => {
        const index = create(DIMENSIONS);
        filled(index, 1, 4); // replaced
        const other = filled(index, 2, 3);
        const loaded = rows(50);
        index.replaceUser(1, loaded.ids, loaded.data);

        expect([countOf(index, 1), countOf(index, 2), index.size()]).toEqual([50, 3, 53]);
        const query = vector();
        expect(index.search(1, query, 5).map((hit) => hit.id)).toEqual(
          expectedTop(loaded.vectors, query, 5).map((hit) => hit.id),
        );
        for (const [id, stored] of other) expect(index.search(2, stored, 1)[0]?.id).toBe(id);
        // And the loaded user keeps taking writes.
        const added = vector();
        index.add(1, 1000, added);
        expect(index.search(1, added, 1)[0]?.id).toBe(1000);
        expect(countOf(index, 1)).toBe(51);
      });

      it("with no rows leaves the user without vectors", () => {
        const index = create(DIMENSIONS);
        filled(index, 1, 4);
        index.replaceUser(1, new Float64Array(0), new Float32Array(0));
        expect(index.size()).toBe(0);
        expect(index.search(1, vector(), 3)).toEqual([]);
      });

      it("rejects duplicate ids, rows of the wrong length and vectors that are not unit length, keeping what it had", () => {
        const index = create(DIMENSIONS);
        const kept = filled(index, 1, 3);
        const loaded = rows(4);
        const duplicated = Float64Array.of(1, 2, 2, 4);
        expect(() => index.replaceUser(1, duplicated, loaded.data)).toThrow(/appears twice/);
        expect(() => index.replaceUser(1, loaded.ids, loaded.data.subarray(1))).toThrow(RangeError);
        const scaled = loaded.data.map((value) => value * 2);
        expect(() => index.replaceUser(1, loaded.ids, scaled)).toThrow(RangeError);
        expect(() => index.replaceUser(1, Float64Array.of(1.5), loaded.data.subarray(0, DIMENSIONS))).toThrow(
          RangeError,
        );
        expect(countOf(index, 1)).toBe(3);
        for (const [id, stored] of kept) expect(index.search(1, stored, 1)[0]?.id).toBe(id);
      });
    });

    it("handles many vectors for one user", () => {
      const index = create(DIMENSIONS);
      const vectors = randomUnitVectors(2000, DIMENSIONS, 11);
      vectors.forEach((stored, id) => {
        index.add(1, id, stored);
      });
      expect(index.size()).toBe(2000);
      for (const id of [0, 999, 1999]) {
        expect(index.search(1, vectors[id] as Float32Array, 1)[0]?.id).toBe(id);
      }
    });
  });
}
