import { describe, expect, it } from "vitest";
import { createVectorIndex } from "../../../src/similarity/vector-index/index.js";

// VECTOR_INDEX=faiss and auto with faiss loaded are in faiss-create.test.ts (a system test: it needs the addon), and
// without it in index-without-faiss.test.ts.
describe("createVectorIndex", () => {
  it("makes the exact index on request", () => {
    expect(createVectorIndex("exact", 8)).toMatchObject({ kind: "exact", dimensions: 8 });
  });

  it("rejects dimensions that are not a positive integer", () => {
    expect(() => createVectorIndex("exact", 0)).toThrow(RangeError);
    expect(() => createVectorIndex("exact", 1.5)).toThrow(RangeError);
  });
});
