import { endianness } from "node:os";
import { crc32 } from "node:zlib";

/**
 * The snapshot format every adapter writes and reads, so a snapshot survives a change of VECTOR_INDEX. It holds the
 * vectors themselves rather than an adapter's own structures: the faiss adapter rebuilds from them in one copy.
 *
 *   magic "PSVI" | version u32 | dimensions u32 | user count u32
 *   per user:  user id f64 | vector count u32 | ids f64[count] | vectors f32[count × dimensions]
 *   crc32 u32 of every byte before it
 *
 * Little-endian throughout. Ids are stored as f64 because they are JavaScript numbers (safe integers).
 */

const MAGIC = "PSVI";
const VERSION = 1;
const HEADER_BYTES = 16;
const USER_HEADER_BYTES = 12;
const TRAILER_BYTES = 4;

/** One user's vectors: row `i` of `vectors` (`dimensions` floats) belongs to `ids[i]`. */
export interface UserVectors {
  userId: number;
  ids: Float64Array;
  vectors: Float32Array;
}

/** A snapshot that cannot be trusted: it is never loaded, not even in part. */
export class InvalidSnapshotError extends Error {
  constructor(reason: string) {
    super(`invalid vector index snapshot: ${reason}`);
    this.name = "InvalidSnapshotError";
  }
}

export function encodeSnapshot(dimensions: number, users: readonly UserVectors[]): Buffer {
  assertLittleEndianHost();
  let length = HEADER_BYTES + TRAILER_BYTES;
  for (const user of users) length += USER_HEADER_BYTES + user.ids.length * (8 + dimensions * 4);

  const out = Buffer.allocUnsafe(length);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(dimensions, 8);
  out.writeUInt32LE(users.length, 12);
  let offset = HEADER_BYTES;
  for (const { userId, ids, vectors } of users) {
    if (vectors.length !== ids.length * dimensions) {
      throw new RangeError(`user ${userId}: ${ids.length} ids but ${vectors.length / dimensions} vectors`);
    }
    out.writeDoubleLE(userId, offset);
    out.writeUInt32LE(ids.length, offset + 8);
    offset += USER_HEADER_BYTES;
    offset += bytesOf(ids).copy(out, offset);
    offset += bytesOf(vectors).copy(out, offset);
  }
  out.writeUInt32LE(crc32(out.subarray(0, offset)), offset);
  return out;
}

/** Every user of the snapshot, or an InvalidSnapshotError saying why it cannot be trusted. */
export function decodeSnapshot(dimensions: number, snapshot: Uint8Array): UserVectors[] {
  assertLittleEndianHost();
  const input = Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
  if (input.length < HEADER_BYTES + TRAILER_BYTES) throw new InvalidSnapshotError("too short");
  if (input.toString("latin1", 0, 4) !== MAGIC) throw new InvalidSnapshotError("not a vector index snapshot");
  const version = input.readUInt32LE(4);
  if (version !== VERSION) throw new InvalidSnapshotError(`unsupported version ${version}`);
  const bodyEnd = input.length - TRAILER_BYTES;
  if (crc32(input.subarray(0, bodyEnd)) !== input.readUInt32LE(bodyEnd)) {
    throw new InvalidSnapshotError("checksum mismatch (corrupt or truncated)");
  }
  const stored = input.readUInt32LE(8);
  if (stored !== dimensions) {
    throw new InvalidSnapshotError(`made for ${stored} dimensions, this index has ${dimensions}`);
  }

  const userCount = input.readUInt32LE(12);
  const users: UserVectors[] = [];
  const userIds = new Set<number>();
  let offset = HEADER_BYTES;
  for (let user = 0; user < userCount; user++) {
    if (offset + USER_HEADER_BYTES > bodyEnd) throw new InvalidSnapshotError("truncated user block");
    const userId = input.readDoubleLE(offset);
    const count = input.readUInt32LE(offset + 8);
    offset += USER_HEADER_BYTES;
    if (!Number.isSafeInteger(userId) || userIds.has(userId)) {
      throw new InvalidSnapshotError(`bad or repeated user id ${userId}`);
    }
    userIds.add(userId);
    if (offset + count * (8 + dimensions * 4) > bodyEnd)
      throw new InvalidSnapshotError("truncated user block");

    // Copies, not views: the input's offsets need not be aligned for typed arrays, and it may be reused.
    const ids = new Float64Array(count);
    offset += input.copy(bytesOf(ids), 0, offset, offset + count * 8);
    const vectors = new Float32Array(count * dimensions);
    offset += input.copy(bytesOf(vectors), 0, offset, offset + vectors.byteLength);
    if (!ids.every(Number.isSafeInteger) || new Set(ids).size !== count) {
      throw new InvalidSnapshotError(`bad or repeated ids for user ${userId}`);
    }
    users.push({ userId, ids, vectors });
  }
  if (offset !== bodyEnd) throw new InvalidSnapshotError("unexpected bytes after the last user");
  return users;
}

function bytesOf(array: Float64Array | Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Typed arrays are copied as raw bytes, which match the format only on little-endian hosts. */
function assertLittleEndianHost(): void {
  if (endianness() !== "LE") throw new Error("vector index snapshots need a little-endian host");
}
