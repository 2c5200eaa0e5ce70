import { endianness } from "node:os";
import { crc32 } from "node:zlib";

/**
 * The snapshot format every adapter writes and reads, so a snapshot survives a change of VECTOR_INDEX. It holds the
 * vectors themselves rather than an adapter's own structures: the faiss adapter rebuilds from them in one copy.
 *
 *   magic "PSVI" | version u32 | dimensions u32 | user count u32
 *   per user:  user id f64 | vector count u32 | ids f64[count] | vectors f32[count × dimensions]
 *              | list count u32 | centroids f32[lists × dimensions] | list sizes u32[lists]     (version 2 only)
 *   crc32 u32 of every byte before it
 *
 * Little-endian throughout. Ids are stored as f64 because they are JavaScript numbers (safe integers).
 * Version 2 adds a user's partition (see UserVectors), so that a large user's inverted lists load without being
 * trained again; a list count of 0 means none. Version 1 snapshots are still read.
 */

const MAGIC = "PSVI";
const VERSION = 2;
const VERSION_WITHOUT_PARTITIONS = 1;
const HEADER_BYTES = 16;
const USER_HEADER_BYTES = 12;
const LIST_COUNT_BYTES = 4;
const TRAILER_BYTES = 4;

/** One user's vectors: row `i` of `vectors` (`dimensions` floats) belongs to `ids[i]`. */
export interface UserVectors {
  userId: number;
  ids: Float64Array;
  vectors: Float32Array;
  partition?: Partition;
}

/**
 * The user's vectors grouped around centroids (the inverted lists of an IVF index): the first `sizes[0]` rows belong
 * to the first centroid, the next `sizes[1]` to the second, and so on. Written by the faiss adapter for its large
 * users; an adapter without partitions ignores it.
 */
export interface Partition {
  /** `sizes.length` unit vectors, row after row. */
  centroids: Float32Array;
  sizes: Uint32Array;
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
  for (const { ids, partition } of users) {
    const lists = partition?.sizes.length ?? 0;
    length +=
      USER_HEADER_BYTES + ids.length * (8 + dimensions * 4) + LIST_COUNT_BYTES + lists * (dimensions + 1) * 4;
  }

  const out = Buffer.allocUnsafe(length);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(dimensions, 8);
  out.writeUInt32LE(users.length, 12);
  let offset = HEADER_BYTES;
  for (const { userId, ids, vectors, partition } of users) {
    if (vectors.length !== ids.length * dimensions) {
      throw new RangeError(`user ${userId}: ${ids.length} ids but ${vectors.length / dimensions} vectors`);
    }
    if (partition && !isPartitionOf(partition, dimensions, ids.length)) {
      throw new RangeError(`user ${userId}: the partition does not match the ${ids.length} vectors`);
    }
    out.writeDoubleLE(userId, offset);
    out.writeUInt32LE(ids.length, offset + 8);
    offset += USER_HEADER_BYTES;
    offset += bytesOf(ids).copy(out, offset);
    offset += bytesOf(vectors).copy(out, offset);
    out.writeUInt32LE(partition?.sizes.length ?? 0, offset);
    offset += LIST_COUNT_BYTES;
    if (partition) {
      offset += bytesOf(partition.centroids).copy(out, offset);
      offset += bytesOf(partition.sizes).copy(out, offset);
    }
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
  if (version !== VERSION && version !== VERSION_WITHOUT_PARTITIONS) {
    throw new InvalidSnapshotError(`unsupported version ${version}`);
  }
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
    if (version === VERSION_WITHOUT_PARTITIONS) {
      users.push({ userId, ids, vectors });
      continue;
    }
    const { partition, end } = readPartition(input, offset, bodyEnd, dimensions, { userId, count });
    offset = end;
    users.push(partition ? { userId, ids, vectors, partition } : { userId, ids, vectors });
  }
  if (offset !== bodyEnd) throw new InvalidSnapshotError("unexpected bytes after the last user");
  return users;
}

/** The partition that starts at `offset`, if the user has one, and where the user's block ends. */
function readPartition(
  input: Buffer,
  offset: number,
  bodyEnd: number,
  dimensions: number,
  { userId, count }: { userId: number; count: number },
): { partition?: Partition; end: number } {
  if (offset + LIST_COUNT_BYTES > bodyEnd) throw new InvalidSnapshotError("truncated user block");
  const lists = input.readUInt32LE(offset);
  const start = offset + LIST_COUNT_BYTES;
  if (lists === 0) return { end: start };
  const end = start + lists * (dimensions + 1) * 4;
  if (end > bodyEnd) throw new InvalidSnapshotError("truncated user block");
  const partition = { centroids: new Float32Array(lists * dimensions), sizes: new Uint32Array(lists) };
  const sizesStart =
    start + input.copy(bytesOf(partition.centroids), 0, start, start + lists * dimensions * 4);
  input.copy(bytesOf(partition.sizes), 0, sizesStart, end);
  if (!isPartitionOf(partition, dimensions, count)) {
    throw new InvalidSnapshotError(`list sizes of user ${userId} do not add up to its vector count`);
  }
  return { partition, end };
}

function isPartitionOf(partition: Partition, dimensions: number, count: number): boolean {
  const { centroids, sizes } = partition;
  return (
    sizes.length > 0 &&
    centroids.length === sizes.length * dimensions &&
    sizes.reduce((sum, size) => sum + size, 0) === count
  );
}

function bytesOf(array: Float64Array | Float32Array | Uint32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Typed arrays are copied as raw bytes, which match the format only on little-endian hosts. */
function assertLittleEndianHost(): void {
  if (endianness() !== "LE") throw new Error("vector index snapshots need a little-endian host");
}
