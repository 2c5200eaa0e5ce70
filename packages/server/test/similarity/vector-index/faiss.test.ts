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

describe("faiss against exact, below the partition threshold", () => {
  it("finds the exact top 5 of 5000 random unit vectors", () => {
    const dimensions = 128;
    const faiss = createFaiss(dimensions);
    const exact = createExactVectorIndex(dimensions);
    randomUnitVectors(5000, dimensions, 1).forEach((vector, id) => {
      faiss.add(1, id, vector);
      exact.add(1, id, vector);
    });

    let found = 0;
    const queries = randomUnitVectors(100, dimensions, 2);
    for (const query of queries) {
      const truth = new Set(exact.search(1, query, 5).map((hit) => hit.id));
      found += faiss.search(1, query, 5).filter((hit) => truth.has(hit.id)).length;
    }
    expect(found / (queries.length * 5)).toBe(1);
  });
});
