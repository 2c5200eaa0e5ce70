import { describe, expect, it } from "vitest";
import { createVectorIndex } from "../../../src/similarity/vector-index/index.js";

// Needs faiss-node's addon (scripts/build-faiss.sh); faiss.test.ts says how to build it when it does not load.
describe("createVectorIndex with faiss loaded", () => {
  it("makes the faiss index on request, and for auto", () => {
    expect(createVectorIndex("faiss", 8)).toMatchObject({ kind: "faiss", dimensions: 8 });
    expect(createVectorIndex("auto", 8).kind).toBe("faiss");
  });

  it("rejects dimensions that are not a positive integer", () => {
    expect(() => createVectorIndex("faiss", 0)).toThrow(RangeError);
    expect(() => createVectorIndex("faiss", 1.5)).toThrow(RangeError);
  });
});
