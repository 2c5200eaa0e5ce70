/**
 * A user's rows as faiss' own serialization of an IndexFlatIP (write_index of faiss 1.7, little-endian), which
 * faiss-node's Index.fromBuffer reads (read_index):
 *
 *   "IxFI" | d i32 | ntotal i64 | 2 × unused i64 (2^20) | is_trained u8 (1) | metric i32 (0: inner product)
 *   | float count u64 | rows f32[ntotal × d]
 *
 * faiss-node 0.5.1 otherwise takes rows only as number[], an array of boxed numbers per row: adding a user's 10,000
 * rows of 512 dimensions that way takes 8 to 13 times as long as loading them through this buffer (BENCHMARKS.md).
 * The floats are copied as they are; row r gets label r.
 */

const HEADER_BYTES = 4 + 4 + 8 + 8 + 8 + 1 + 4 + 8;
const UNUSED = 2 ** 20;
const METRIC_INNER_PRODUCT = 0;

export function encodeFlatIP(dimensions: number, rows: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + rows.byteLength);
  let offset = out.write("IxFI", 0, "latin1");
  offset = out.writeInt32LE(dimensions, offset);
  offset = out.writeBigUInt64LE(BigInt(rows.length / dimensions), offset);
  offset = out.writeBigUInt64LE(BigInt(UNUSED), offset);
  offset = out.writeBigUInt64LE(BigInt(UNUSED), offset);
  offset = out.writeUInt8(1, offset);
  offset = out.writeInt32LE(METRIC_INNER_PRODUCT, offset);
  offset = out.writeBigUInt64LE(BigInt(rows.length), offset);
  Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength).copy(out, offset);
  return out;
}
