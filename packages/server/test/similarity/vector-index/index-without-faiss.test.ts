import { describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { createVectorIndex, loadFaissIndex } from "../../../src/similarity/vector-index/index.js";

// As on a machine where faiss-node is not installed or its addon was never built.
vi.mock("../../../src/similarity/vector-index/faiss-binding.js", () => ({
  loadFaissBinding: () => ({ error: new Error("Could not locate the bindings file.\nTried: …") }),
}));

describe("without faiss-node", () => {
  it("loadFaissIndex returns undefined", () => {
    expect(loadFaissIndex(8)).toBeUndefined();
  });

  it("auto falls back to the exact index", () => {
    expect(createVectorIndex("auto", 8).kind).toBe("exact");
  });

  it("faiss is a configuration error naming VECTOR_INDEX and how to build faiss", () => {
    let thrown: unknown;
    try {
      createVectorIndex("faiss", 8);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ variable: "VECTOR_INDEX" });
    expect((thrown as Error).message).toMatch(/^VECTOR_INDEX is "faiss" but faiss-node cannot be loaded/);
    expect((thrown as Error).message).toContain("Could not locate the bindings file.)");
    expect((thrown as Error).message).toContain("scripts/build-faiss.sh");
  });
});
