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
    expect(snapshot.readUInt32LE(4)).toBe(1);
    expect(snapshot.readUInt32LE(8)).toBe(DIMENSIONS);
  });

  it("rejects another version", () => {
    const snapshot = edited(sample(), (body) => body.writeUInt32LE(2, 4));
    expect(() => decodeSnapshot(DIMENSIONS, snapshot)).toThrow(/unsupported version 2/);
  });

  it("rejects repeated ids and repeated users even under a valid checksum", () => {
    const repeatedId = edited(sample(), (body) => body.writeDoubleLE(1, 16 + 12 + 8));
    expect(() => decodeSnapshot(DIMENSIONS, repeatedId)).toThrow(/repeated ids for user 7/);
    const secondUser = 16 + 12 + 2 * 8 + 2 * DIMENSIONS * 4;
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
