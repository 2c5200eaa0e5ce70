/**
 * faiss' own serialization of an IndexFlatIP, as write_index (faiss/impl/index_write.cpp) of faiss 1.7 writes it:
 *
 *   fourcc "IxFI" | d i32 | ntotal i64 | 2 × unused i64 (2^20) | is_trained u8 | metric i32 (0: inner product)
 *   | float count i64 | floats, row after row
 *
 * faiss-node moves vectors in and out only as number[], about 50 µs per 512-d vector; this format moves them as
 * bytes, so that a snapshot of 100k vectors loads and saves in a fraction of a second. decodeFlatIP checks every
 * header field, so a faiss that writes otherwise fails loudly (the contract tests' snapshot round trip) instead of
 * yielding wrong vectors.
 */

const FOURCC = "IxFI";
const HEADER_BYTES = 45;
const UNUSED = 1n << 20n;
const METRIC_INNER_PRODUCT = 0;

export function encodeFlatIP(dimensions: number, vectors: Float32Array): Buffer {
  const count = vectors.length / dimensions;
  const out = Buffer.allocUnsafe(HEADER_BYTES + vectors.byteLength);
  out.write(FOURCC, 0, "latin1");
  out.writeInt32LE(dimensions, 4);
  out.writeBigInt64LE(BigInt(count), 8);
  out.writeBigInt64LE(UNUSED, 16);
  out.writeBigInt64LE(UNUSED, 24);
  out.writeUInt8(1, 32);
  out.writeInt32LE(METRIC_INNER_PRODUCT, 33);
  out.writeBigInt64LE(BigInt(vectors.length), 37);
  Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength).copy(out, HEADER_BYTES);
  return out;
}

/** The rows of a serialized IndexFlatIP; throws when it is not one of `count` rows of `dimensions`. */
export function decodeFlatIP(serialized: Buffer, dimensions: number, count: number): Float32Array {
  const floats = count * dimensions;
  if (
    serialized.length !== HEADER_BYTES + floats * 4 ||
    serialized.toString("latin1", 0, 4) !== FOURCC ||
    serialized.readInt32LE(4) !== dimensions ||
    serialized.readBigInt64LE(8) !== BigInt(count) ||
    serialized.readInt32LE(33) !== METRIC_INNER_PRODUCT ||
    serialized.readBigInt64LE(37) !== BigInt(floats)
  ) {
    throw new Error(`unexpected faiss serialization: not an IndexFlatIP of ${count} × ${dimensions}`);
  }
  // A copy: the rows start at an offset that is not a multiple of 4, so no Float32Array view can start there.
  const vectors = new Float32Array(floats);
  serialized.copy(Buffer.from(vectors.buffer), 0, HEADER_BYTES);
  return vectors;
}
