import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  decodeSnapshot,
  encodeSnapshot,
  InvalidSnapshotError,
} from "../../../src/similarity/vector-index/snapshot.js";

const DIMENSIONS = 2;

/** A snapshot edited after writing, with its checksum made valid again: only the other checks can catch it. */
function edited(snapshot: Buffer, edit: (body: Buffer) => void): Buffer {
  const copy = Buffer.from(snapshot);
  edit(copy);
  copy.writeUInt32LE(crc32(copy.subarray(0, copy.length - 4)), copy.length - 4);
  return copy;
}

const sample = () =>
  encodeSnapshot(DIMENSIONS, [
    { userId: 7, ids: Float64Array.of(1, 2), vectors: Float32Array.of(1, 0, 0, 1) },
    { userId: 8, ids: Float64Array.of(1), vectors: Float32Array.of(0.6, 0.8) },
  ]);

/** User 7's rows grouped in two lists of one row each. */
const partitioned = () =>
  encodeSnapshot(DIMENSIONS, [
    {
      userId: 7,
      ids: Float64Array.of(1, 2),
      vectors: Float32Array.of(1, 0, 0, 1),
      partition: { centroids: Float32Array.of(1, 0, 0, 1), sizes: Uint32Array.of(1, 1) },
    },
  ]);
/** Where the list sizes of partitioned() start: header, user header, 2 ids, 2 vectors, list count, 2 centroids. */
const PARTITION_SIZES = 16 + 12 + 2 * 8 + 2 * DIMENSIONS * 4 + 4 + 2 * DIMENSIONS * 4;

/** The same content as sample(), as version 1 (without list counts) wrote it. */
function version1Sample(): Buffer {
  const body = Buffer.concat([
    Buffer.from("PSVI", "latin1"),
    Buffer.from(Uint32Array.of(1, DIMENSIONS, 2).buffer),
    Buffer.from(Float64Array.of(7).buffer),
    Buffer.from(Uint32Array.of(2).buffer),
    Buffer.from(Float64Array.of(1, 2).buffer),
    Buffer.from(Float32Array.of(1, 0, 0, 1).buffer),
    Buffer.from(Float64Array.of(8).buffer),
    Buffer.from(Uint32Array.of(1).buffer),
    Buffer.from(Float64Array.of(1).buffer),
    Buffer.from(Float32Array.of(0.6, 0.8).buffer),
  ]);
  return Buffer.concat([body, Buffer.from(Uint32Array.of(crc32(body)).buffer)]);
}

describe("vector index snapshot format", () => {
  it("decodes what it encodes", () => {
    expect(decodeSnapshot(DIMENSIONS, sample())).toEqual([
      { userId: 7, ids: Float64Array.of(1, 2), vectors: Float32Array.of(1, 0, 0, 1) },
      { userId: 8, ids: Float64Array.of(1), vectors: Float32Array.of(0.6, 0.8) },
    ]);
  });

  it("starts with its magic and version", () => {
    const snapshot = sample();
    expect(snapshot.toString("latin1", 0, 4)).toBe("PSVI");
    expect(snapshot.readUInt32LE(4)).toBe(2);
    expect(snapshot.readUInt32LE(8)).toBe(DIMENSIONS);
  });

  it("still reads version 1, written before partitions", () => {
    expect(decodeSnapshot(DIMENSIONS, version1Sample())).toEqual(decodeSnapshot(DIMENSIONS, sample()));
  });

  it("rejects another version", () => {
    const snapshot = edited(sample(), (body) => body.writeUInt32LE(3, 4));
    expect(() => decodeSnapshot(DIMENSIONS, snapshot)).toThrow(/unsupported version 3/);
  });

  it("decodes a partition with the rows it groups", () => {
    expect(decodeSnapshot(DIMENSIONS, partitioned())).toEqual([
      {
        userId: 7,
        ids: Float64Array.of(1, 2),
        vectors: Float32Array.of(1, 0, 0, 1),
        partition: { centroids: Float32Array.of(1, 0, 0, 1), sizes: Uint32Array.of(1, 1) },
      },
    ]);
  });

  it("rejects list sizes that do not add up to the vector count, when writing and when reading", () => {
    const mismatched = edited(partitioned(), (body) => body.writeUInt32LE(2, PARTITION_SIZES));
    expect(() => decodeSnapshot(DIMENSIONS, mismatched)).toThrow(/list sizes of user 7 do not add up/);
    expect(() =>
      encodeSnapshot(DIMENSIONS, [
        {
          userId: 7,
          ids: Float64Array.of(1),
          vectors: Float32Array.of(1, 0),
          partition: { centroids: Float32Array.of(1, 0, 0, 1), sizes: Uint32Array.of(1, 1) },
        },
      ]),
    ).toThrow(RangeError);
  });

  it("rejects repeated ids and repeated users even under a valid checksum", () => {
    const repeatedId = edited(sample(), (body) => body.writeDoubleLE(1, 16 + 12 + 8));
    expect(() => decodeSnapshot(DIMENSIONS, repeatedId)).toThrow(/repeated ids for user 7/);
    const secondUser = 16 + 12 + 2 * 8 + 2 * DIMENSIONS * 4 + 4;
    const repeatedUser = edited(sample(), (body) => body.writeDoubleLE(7, secondUser));
    expect(() => decodeSnapshot(DIMENSIONS, repeatedUser)).toThrow(/repeated user id 7/);
  });

  it("rejects a user count that does not match the blocks", () => {
    const more = edited(sample(), (body) => body.writeUInt32LE(3, 12));
    expect(() => decodeSnapshot(DIMENSIONS, more)).toThrow(InvalidSnapshotError);
    const fewer = edited(sample(), (body) => body.writeUInt32LE(1, 12));
    expect(() => decodeSnapshot(DIMENSIONS, fewer)).toThrow(/unexpected bytes/);
  });

  it("rejects a vector count larger than the data", () => {
    const snapshot = edited(sample(), (body) => body.writeUInt32LE(1000, 16 + 8));
    expect(() => decodeSnapshot(DIMENSIONS, snapshot)).toThrow(/truncated user block/);
  });
});
