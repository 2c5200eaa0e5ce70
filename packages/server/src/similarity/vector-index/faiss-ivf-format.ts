/**
 * faiss' own serialization of an IndexIVFFlat with the inner-product metric, as write_index of faiss 1.7
 * (faiss/impl/index_write.cpp) writes it, in little-endian:
 *
 *   "IwFl" | header | lists u64 | probes u64                      (probes: nprobe, the lists a search visits)
 *   | "IxFI" | header | float count u64 | centroids f32[lists × d]   (the coarse quantizer, an IndexFlatIP)
 *   | direct map type u8 (0: none) | direct map length u64 (0)
 *   | "ilar" | lists u64 | code size u64 (d × 4)
 *   | "full" | list count u64 | sizes u64[lists]        or    "sprs" | 2 × non-empty lists u64 | (list, size) u64 pairs
 *   | per non-empty list: vectors f32[size × d] | labels i64[size]
 *
 *   header: d i32 | ntotal i64 | 2 × unused i64 (2^20) | is_trained u8 | metric i32 (0: inner product)
 *
 * faiss-node 0.5.1 has no way to set nprobe, to add vectors under labels of one's choosing, or to pass vectors
 * other than as number[], which costs an array of boxed numbers per vector (figures in BENCHMARKS.md); this format
 * does all three, with the vectors copied as they are. Labels written here are row numbers. decodeIvf checks every
 * field it relies on, so a faiss that writes otherwise fails loudly (the round trips of faiss-ivf-format.test.ts,
 * and every repartitioning) instead of yielding wrong rows.
 */

const INDEX_HEADER_BYTES = 37;
const UNUSED = 2 ** 20;
const METRIC_INNER_PRODUCT = 0;
const NO_DIRECT_MAP = 0;

/** An inverted-file index: `sizes[i]` consecutive rows of `vectors` belong to the list of centroid `i`. */
export interface IvfLayout {
  /** `sizes.length` rows of the index's dimensions. */
  centroids: Float32Array;
  sizes: Uint32Array;
  vectors: Float32Array;
  /** How many lists, nearest to the query first, a search scans: all of them makes it exact. */
  probes: number;
}

/** The layout of a serialized index, with each row's label. */
export interface DecodedIvf extends IvfLayout {
  labels: Float64Array;
}

/** The serialized IndexIVFFlat; row `r` of `vectors` gets label `r`. */
export function encodeIvf(dimensions: number, layout: IvfLayout): Buffer {
  const { centroids, sizes, vectors, probes } = layout;
  const lists = sizes.length;
  const count = vectors.length / dimensions;
  const ivfHeader = INDEX_HEADER_BYTES + 8 + 8;
  const quantizer = INDEX_HEADER_BYTES + 8 + centroids.byteLength;
  const directMap = 1 + 8;
  const listsHeader = 4 + 8 + 8 + 4 + 8 + lists * 8;
  const out = new Writer(ivfHeader + quantizer + directMap + listsHeader + vectors.byteLength + count * 8);
  writeIndexHeader(out, "IwFl", dimensions, count);
  out.u64(lists);
  out.u64(probes);
  writeIndexHeader(out, "IxFI", dimensions, lists);
  out.u64(centroids.length);
  out.floats(centroids);
  out.u8(NO_DIRECT_MAP);
  out.u64(0);
  out.fourcc("ilar");
  out.u64(lists);
  out.u64(dimensions * 4);
  out.fourcc("full");
  out.u64(lists);
  for (const size of sizes) out.u64(size);
  let row = 0;
  for (const size of sizes) {
    out.floats(vectors.subarray(row * dimensions, (row + size) * dimensions));
    for (const end = row + size; row < end; row++) out.u64(row);
  }
  return out.done();
}

/** The layout and labels of a serialized IndexIVFFlat; throws when it is not one of `dimensions`. */
export function decodeIvf(serialized: Buffer, dimensions: number): DecodedIvf {
  const input = new Reader(serialized);
  const count = readIndexHeader(input, "IwFl", dimensions);
  const lists = input.u64();
  const probes = input.u64();
  if (readIndexHeader(input, "IxFI", dimensions) !== lists || input.u64() !== lists * dimensions) {
    throw unexpected("a quantizer with one centroid per list");
  }
  const centroids = new Float32Array(lists * dimensions);
  input.floats(centroids);
  if (input.u8() !== NO_DIRECT_MAP || input.u64() !== 0) throw unexpected("no direct map");
  if (input.fourcc() !== "ilar" || input.u64() !== lists || input.u64() !== dimensions * 4) {
    throw unexpected("array inverted lists of flat codes");
  }
  const sizes = readListSizes(input, lists);

  const vectors = new Float32Array(count * dimensions);
  const labels = new Float64Array(count);
  let row = 0;
  for (const size of sizes) {
    if (row + size > count) throw unexpected(`${count} vectors in the lists`);
    input.floats(vectors.subarray(row * dimensions, (row + size) * dimensions));
    for (const end = row + size; row < end; row++) labels[row] = input.u64();
  }
  if (row !== count || !input.atEnd()) throw unexpected(`${count} vectors in the lists`);
  return { centroids, sizes, vectors, probes, labels };
}

function writeIndexHeader(out: Writer, fourcc: string, dimensions: number, count: number): void {
  out.fourcc(fourcc);
  out.i32(dimensions);
  out.u64(count);
  out.u64(UNUSED);
  out.u64(UNUSED);
  out.u8(1);
  out.i32(METRIC_INNER_PRODUCT);
}

/** Checks an index header and returns its vector count. */
function readIndexHeader(input: Reader, fourcc: string, dimensions: number): number {
  const kind = input.fourcc();
  const stored = input.i32();
  const count = input.u64();
  input.skip(16);
  input.u8();
  if (kind !== fourcc || stored !== dimensions || input.i32() !== METRIC_INNER_PRODUCT) {
    throw unexpected(`"${fourcc}" of ${dimensions} dimensions with the inner-product metric`);
  }
  return count;
}

/** faiss writes every size ("full") when more than half the lists hold vectors, else (list, size) pairs. */
function readListSizes(input: Reader, lists: number): Uint32Array {
  const sizes = new Uint32Array(lists);
  const kind = input.fourcc();
  if (kind === "full") {
    if (input.u64() !== lists) throw unexpected("one size per list");
    for (let list = 0; list < lists; list++) sizes[list] = input.u64();
  } else if (kind === "sprs") {
    const pairs = input.u64() / 2;
    for (let pair = 0; pair < pairs; pair++) {
      const list = input.u64();
      if (list >= lists) throw unexpected("sizes of existing lists");
      sizes[list] = input.u64();
    }
  } else {
    throw unexpected('list sizes, "full" or "sprs"');
  }
  return sizes;
}

function unexpected(what: string): Error {
  return new Error(`unexpected faiss serialization: expected an IndexIVFFlat with ${what}`);
}

/**
 * Integers are read and written as 64 bits but kept below 2^32 (labels are row numbers, sizes and counts are vector
 * counts): two 32-bit halves avoid a BigInt per label.
 */
class Writer {
  private readonly out: Buffer;
  private offset = 0;

  constructor(length: number) {
    this.out = Buffer.allocUnsafe(length);
  }

  fourcc(value: string): void {
    this.offset += this.out.write(value, this.offset, 4, "latin1");
  }

  u8(value: number): void {
    this.offset = this.out.writeUInt8(value, this.offset);
  }

  i32(value: number): void {
    this.offset = this.out.writeInt32LE(value, this.offset);
  }

  u64(value: number): void {
    this.offset = this.out.writeUInt32LE(value, this.offset);
    this.offset = this.out.writeUInt32LE(0, this.offset);
  }

  floats(values: Float32Array): void {
    this.offset += Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(
      this.out,
      this.offset,
    );
  }

  done(): Buffer {
    if (this.offset !== this.out.length) throw new Error("IVF serialization: wrong length computed");
    return this.out;
  }
}

class Reader {
  private offset = 0;

  constructor(private readonly input: Buffer) {}

  fourcc(): string {
    this.need(4);
    this.offset += 4;
    return this.input.toString("latin1", this.offset - 4, this.offset);
  }

  u8(): number {
    this.need(1);
    return this.input.readUInt8(this.offset++);
  }

  i32(): number {
    this.need(4);
    this.offset += 4;
    return this.input.readInt32LE(this.offset - 4);
  }

  u64(): number {
    this.need(8);
    const low = this.input.readUInt32LE(this.offset);
    const high = this.input.readUInt32LE(this.offset + 4);
    this.offset += 8;
    if (high !== 0) throw unexpected("counts and labels below 2^32");
    return low;
  }

  /** Fills `target`: a copy, as the floats start at offsets that need not be multiples of 4. */
  floats(target: Float32Array): void {
    this.need(target.byteLength);
    this.input.copy(Buffer.from(target.buffer, target.byteOffset, target.byteLength), 0, this.offset);
    this.offset += target.byteLength;
  }

  skip(bytes: number): void {
    this.need(bytes);
    this.offset += bytes;
  }

  atEnd(): boolean {
    return this.offset === this.input.length;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.input.length) throw unexpected("no missing bytes");
  }
}
