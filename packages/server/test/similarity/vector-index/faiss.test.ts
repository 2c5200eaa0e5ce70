import { describe, expect, it } from "vitest";
import { loadFaissBinding } from "../../../src/similarity/vector-index/faiss-binding.js";
import { createExactVectorIndex } from "../../../src/similarity/vector-index/index.js";
import { vectorIndexContract } from "./contract.js";
import { createFaiss, HOW_TO_BUILD } from "./faiss-fixture.js";
import { randomUnitVectors } from "./random-vectors.js";

describe("faiss-node", () => {
  it("loads", () => {
    const loaded = loadFaissBinding();
    expect("error" in loaded ? `${HOW_TO_BUILD}\n${loaded.error.message}` : "loaded").toBe("loaded");
  });
});

vectorIndexContract("faiss", (dimensions) => createFaiss(dimensions));

describe("faiss against exact", () => {
  it("finds the exact top 5 of 5000 random unit vectors, added one by one and loaded at once", () => {
    const dimensions = 128;
    const faiss = createFaiss(dimensions);
    const exact = createExactVectorIndex(dimensions);
    const vectors = randomUnitVectors(5000, dimensions, 1);
    vectors.forEach((vector, id) => {
      faiss.add(1, id, vector);
      exact.add(1, id, vector);
    });
    // User 2 holds the same rows, loaded through faiss' serialization (faiss-flat-format.ts), under other ids.
    const rows = new Float32Array(vectors.length * dimensions);
    vectors.forEach((vector, row) => {
      rows.set(vector, row * dimensions);
    });
    faiss.replaceUser(
      2,
      Float64Array.from(vectors, (_, row) => row + 10_000),
      rows,
    );

    let found = 0;
    const queries = randomUnitVectors(100, dimensions, 2);
    for (const query of queries) {
      const truth = new Set(exact.search(1, query, 5).map((hit) => hit.id));
      found += faiss.search(1, query, 5).filter((hit) => truth.has(hit.id)).length;
      found += faiss.search(2, query, 5).filter((hit) => truth.has(hit.id - 10_000)).length;
    }
    expect(found / (queries.length * 10)).toBe(1);
  });
});
