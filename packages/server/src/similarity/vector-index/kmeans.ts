import { dotProduct } from "../vector-math/dot-product.js";

/**
 * Spherical k-means (centroids kept at unit length, closeness by inner product) on a sample of the rows, as faiss
 * trains the coarse quantizer of an inner-product IVF index. faiss' own training cannot be used: faiss-node takes
 * the training rows as number[] and runs 25 iterations on BLAS, which Debian's reference build makes slow, all in one
 * blocking call (figures in BENCHMARKS.md); a few iterations on a small sample give lists as good for search (recall
 * measured in bench/vector-index.bench.ts).
 *
 * Written as a generator that yields every few rows, so that BackgroundWork can run it between requests.
 */

/** Rows sampled per centroid: faiss warns below 39, but IVF recall hardly changes from 16 on. */
const SAMPLE_PER_CENTROID = 16;
const ITERATIONS = 4;
/** Rows assigned between two yields: a few milliseconds of work for a few hundred centroids of 512 dimensions. */
const ROWS_PER_STEP = 16;

/** `count` unit centroids for the rows of `vectors` (row after row, `dimensions` floats each). */
export function* trainCentroids(
  vectors: Float32Array,
  dimensions: number,
  count: number,
  seed: number,
): Generator<void, Float32Array> {
  const rows = vectors.length / dimensions;
  if (count < 1 || count > rows) throw new RangeError(`cannot make ${count} centroids of ${rows} rows`);
  const random = seededRandom(seed);
  const sample = sampleRows(rows, Math.min(rows, count * SAMPLE_PER_CENTROID), random);
  const centroids = new Float32Array(count * dimensions);
  for (let centroid = 0; centroid < count; centroid++)
    copyRow(vectors, sample[centroid] as number, centroids, centroid, dimensions);

  const sums = new Float64Array(count * dimensions);
  const members = new Uint32Array(count);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    sums.fill(0);
    members.fill(0);
    for (let index = 0; index < sample.length; index++) {
      const row = sample[index] as number;
      const centroid = nearestCentroid(centroids, count, vectors, row * dimensions, dimensions);
      members[centroid] = (members[centroid] as number) + 1;
      for (let d = 0, from = row * dimensions, to = centroid * dimensions; d < dimensions; d++) {
        sums[to + d] = (sums[to + d] as number) + (vectors[from + d] as number);
      }
      if (index % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    }
    for (let centroid = 0; centroid < count; centroid++) {
      // A centroid nothing came to starts again from a random sampled row, rather than staying useless.
      if (members[centroid] === 0) {
        const row = sample[Math.floor(random() * sample.length)] as number;
        copyRow(vectors, row, centroids, centroid, dimensions);
      } else {
        normalizeInto(sums, centroids, centroid, dimensions);
      }
    }
  }
  return centroids;
}

/** The centroid with the largest inner product with the row at `offset` of `vectors`. */
function nearestCentroid(
  centroids: Float32Array,
  count: number,
  vectors: Float32Array,
  offset: number,
  dimensions: number,
): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let centroid = 0, row = 0; centroid < count; centroid++, row += dimensions) {
    const score = dotProduct(centroids, row, vectors, offset, dimensions);
    if (score > bestScore) {
      bestScore = score;
      best = centroid;
    }
  }
  return best;
}

/** `size` distinct row numbers below `rows`, in random order (the first steps of a Fisher–Yates shuffle). */
function sampleRows(rows: number, size: number, random: () => number): Uint32Array {
  const order = new Uint32Array(rows);
  for (let row = 0; row < rows; row++) order[row] = row;
  for (let index = 0; index < size; index++) {
    const pick = index + Math.floor(random() * (rows - index));
    const kept = order[index] as number;
    order[index] = order[pick] as number;
    order[pick] = kept;
  }
  return order.subarray(0, size);
}

function copyRow(from: Float32Array, row: number, to: Float32Array, toRow: number, dimensions: number): void {
  to.set(from.subarray(row * dimensions, (row + 1) * dimensions), toRow * dimensions);
}

function normalizeInto(
  sums: Float64Array,
  centroids: Float32Array,
  centroid: number,
  dimensions: number,
): void {
  const start = centroid * dimensions;
  let squared = 0;
  for (let d = 0; d < dimensions; d++) squared += (sums[start + d] as number) ** 2;
  const norm = Math.sqrt(squared) || 1;
  for (let d = 0; d < dimensions; d++) centroids[start + d] = (sums[start + d] as number) / norm;
}

/** mulberry32: the same lists for the same rows, so a failing test fails the same way again. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
