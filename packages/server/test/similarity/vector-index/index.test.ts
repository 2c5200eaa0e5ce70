import { describe, expect, it } from "vitest";
import { createVectorIndex } from "../../../src/similarity/vector-index/index.js";

describe("createVectorIndex", () => {
  it("makes the exact index on request", () => {
    expect(createVectorIndex("exact", 8)).toMatchObject({ kind: "exact", dimensions: 8 });
  });

  it("makes the faiss index on request, and for auto when faiss loads", () => {
    expect(createVectorIndex("faiss", 8)).toMatchObject({ kind: "faiss", dimensions: 8 });
    expect(createVectorIndex("auto", 8).kind).toBe("faiss");
  });

  it("rejects dimensions that are not a positive integer", () => {
    expect(() => createVectorIndex("exact", 0)).toThrow(RangeError);
    expect(() => createVectorIndex("faiss", 1.5)).toThrow(RangeError);
  });
});
