/**
 * Embeddings are stored as the raw bytes of a Float32Array (little-endian on every platform Node supports): four
 * bytes per dimension, no parsing, and both drivers hand bytea back as bytes (Buffer or Uint8Array).
 */
export function vectorToBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function bytesToVector(bytes: Uint8Array): Float32Array {
  // Copy: the driver's bytes may not start on a 4-byte boundary, which a Float32Array view requires.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
