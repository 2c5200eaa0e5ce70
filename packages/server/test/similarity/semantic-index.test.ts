import { describe, expect, it } from "vitest";
import { SemanticIndex } from "../../src/similarity/semantic-index.js";
import { createExactVectorIndex } from "../../src/similarity/vector-index/index.js";
import type { IndexedPromptRow } from "../../src/storage/index.js";
import { randomUnitVector, seededRandom } from "./vector-index/random-vectors.js";

const DIMENSIONS = 8;
const random = seededRandom(3);

/** A user's rows as the database would hand them over: `count` prompts with vectors, ids from `firstId`. */
function rowsOf(firstId: number, count: number): IndexedPromptRow[] {
  return Array.from({ length: count }, (_, offset) => ({
    id: firstId + offset,
    prompt: `prompt number ${firstId + offset} about gardening`,
    vector: randomUnitVector(DIMENSIONS, random),
  }));
}

/** A SemanticIndex over a real exact vector index, loading from `database` (user id → rows) and counting loads. */
function cacheOver(database: Map<number, IndexedPromptRow[]>, budgetBytes: number) {
  const loads: number[] = [];
  let evictions = 0;
  const index = new SemanticIndex({
    vectors: createExactVectorIndex(DIMENSIONS),
    budgetBytes,
    load: async (userId) => {
      loads.push(userId);
      return database.get(userId) ?? [];
    },
    onEvict: () => evictions++,
  });
  return { index, loads, evictions: () => evictions };
}

describe("SemanticIndex, the bounded cache of resident users", () => {
  it("holds nobody until asked, and loads a user once however many ask at the same time", async () => {
    const database = new Map([[1, rowsOf(100, 20)]]);
    const { index, loads } = cacheOver(database, 64 * 1024 * 1024);
    expect([index.residentUsers, index.residentBytes, index.vectors.size()]).toEqual([0, 0, 0]);

    const users = await Promise.all(Array.from({ length: 5 }, () => index.acquire(1)));
    expect(loads).toEqual([1]);
    expect(new Set(users).size).toBe(1);
    expect(index.residentUserIds()).toEqual([1]);
    expect(index.vectors.size()).toBe(20);
    expect(users[0]?.lexical.documentCount).toBe(20);
    expect(index.residentBytes).toBeGreaterThan(20 * DIMENSIONS * 4);
  });

  it("drops the least recently searched users past the budget, never the one being searched", async () => {
    const database = new Map([1, 2, 3, 4].map((userId) => [userId, rowsOf(userId * 1000, 50)]));
    // Measure one user, then allow a little over two.
    const probe = cacheOver(database, Number.MAX_SAFE_INTEGER);
    await probe.index.acquire(1);
    const oneUser = probe.index.residentBytes;
    const { index, loads, evictions } = cacheOver(database, Math.floor(oneUser * 2.5));

    await index.acquire(1);
    await index.acquire(2);
    await index.acquire(1); // 1 is now the most recent
    await index.acquire(3); // 2 goes
    expect(index.residentUserIds().sort()).toEqual([1, 3]);
    expect(index.vectors.size()).toBe(100);
    expect(index.vectors.has(2, 2000)).toBe(false);
    expect(evictions()).toBe(1);
    expect(index.residentBytes).toBeLessThanOrEqual(oneUser * 2.5);

    // An evicted user is loaded again, whole.
    const reloaded = await index.acquire(2);
    expect(loads).toEqual([1, 2, 3, 2]);
    expect(reloaded.lexical.documentCount).toBe(50);
    expect(index.vectors.has(2, 2000) && index.vectors.has(2, 2049)).toBe(true);

    // A budget smaller than one user keeps the user being searched.
    const tiny = cacheOver(database, 1);
    await tiny.index.acquire(4);
    expect(tiny.index.residentUserIds()).toEqual([4]);
    await tiny.index.acquire(1);
    expect(tiny.index.residentUserIds()).toEqual([1]);
  });

  it("applies a write that arrives while the user loads before anyone searches the loaded index", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const index = new SemanticIndex({
      vectors: createExactVectorIndex(DIMENSIONS),
      budgetBytes: 64 * 1024 * 1024,
      load: async () => {
        await gate;
        return rowsOf(1, 3); // read before the write below committed
      },
    });
    const loading = index.acquire(7);
    const vector = randomUnitVector(DIMENSIONS, random);
    index.add(7, 50, "a prompt written during the load", vector);
    release();
    const user = await loading;
    expect(user.lexical.has(50)).toBe(true);
    expect(index.vectors.search(7, vector, 1)[0]?.id).toBe(50);
  });

  it("keeps no trace of writes for users who are not resident", async () => {
    const database = new Map<number, IndexedPromptRow[]>();
    const { index, loads } = cacheOver(database, 64 * 1024 * 1024);
    index.add(9, 1, "nobody holds this user", randomUnitVector(DIMENSIONS, random));
    expect([index.residentUsers, index.residentBytes, index.vectors.size()]).toEqual([0, 0, 0]);
    expect(loads).toEqual([]);
  });

  it("tracks prompts whose vector has not arrived, until it does", async () => {
    const database = new Map([[1, [{ id: 5, prompt: "waiting for its vector", vector: undefined }]]]);
    const { index } = cacheOver(database, 64 * 1024 * 1024);
    const user = await index.acquire(1);
    expect(user.withoutVector.has(5)).toBe(true);
    expect(index.hasVector(1, 5)).toBe(false);

    index.add(1, 6, "written here, vector to follow");
    expect(user.withoutVector.has(6)).toBe(true);
    index.add(1, 5, "waiting for its vector", randomUnitVector(DIMENSIONS, random));
    expect(user.withoutVector.has(5)).toBe(false);
    expect(index.hasVector(1, 5)).toBe(true);
  });
});
