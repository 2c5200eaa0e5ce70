import { describe, expect, it } from "vitest";
import { loadFaissBinding } from "../../../src/similarity/vector-index/faiss-binding.js";
import { decodeIvf, encodeIvf } from "../../../src/similarity/vector-index/faiss-ivf-format.js";
import { HOW_TO_BUILD } from "./faiss-fixture.js";
import { randomUnitVectors } from "./random-vectors.js";

const DIMENSIONS = 8;

function faiss() {
  const loaded = loadFaissBinding();
  if ("error" in loaded) throw new Error(HOW_TO_BUILD);
  return loaded.binding;
}

/** Three lists of 2, 0 and 3 rows. */
function layout() {
  return {
    centroids: Float32Array.from(randomUnitVectors(3, DIMENSIONS, 1).flatMap((row) => [...row])),
    sizes: Uint32Array.of(2, 0, 3),
    vectors: Float32Array.from(randomUnitVectors(5, DIMENSIONS, 2).flatMap((row) => [...row])),
    probes: 2,
  };
}

describe("faiss IndexIVFFlat serialization", () => {
  it("is read by faiss and written back by it byte for byte, labels being row numbers", () => {
    const written = encodeIvf(DIMENSIONS, layout());
    const index = faiss().Index.fromBuffer(written);
    expect(index.ntotal()).toBe(5);
    expect(index.toBuffer().equals(written)).toBe(true);
    expect(decodeIvf(written, DIMENSIONS)).toEqual({ ...layout(), labels: Float64Array.of(0, 1, 2, 3, 4) });
  });

  it("reads the sparse list sizes faiss writes when most lists are empty, and the rows faiss appends", () => {
    const index = faiss().Index.fromBuffer(
      encodeIvf(DIMENSIONS, { ...layout(), sizes: new Uint32Array(3), vectors: new Float32Array(0) }),
    );
    const [row] = randomUnitVectors(1, DIMENSIONS, 3) as [Float32Array];
    index.add(Array.from(row));
    const serialized = index.toBuffer();
    expect(serialized.includes("sprs")).toBe(true);
    const decoded = decodeIvf(serialized, DIMENSIONS);
    expect(decoded.sizes.reduce((sum, size) => sum + size, 0)).toBe(1);
    expect(decoded.vectors).toEqual(row);
    expect(decoded.labels).toEqual(Float64Array.of(0));
  });

  it("rejects what is not an inner-product IndexIVFFlat of its dimensions", () => {
    const written = encodeIvf(DIMENSIONS, layout());
    expect(() => decodeIvf(written, DIMENSIONS * 2)).toThrow(/unexpected faiss serialization/);
    expect(() => decodeIvf(written.subarray(0, written.length - 1), DIMENSIONS)).toThrow(/missing bytes/);
    const flat = Buffer.from(written);
    flat.write("IxFI", 0, "latin1");
    expect(() => decodeIvf(flat, DIMENSIONS)).toThrow(/"IwFl"/);
  });
});
