/**
 * The inner product of `dimensions` floats of `a` from `aOffset` and of `b` from `bOffset`: the inner loop of every
 * scan over stored vectors. Four independent sums let the CPU overlap the multiply-adds, where one running sum would
 * make each wait for the one before.
 */
export function dotProduct(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  dimensions: number,
): number {
  const unrolled = dimensions - (dimensions % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d < unrolled; d += 4) {
    s0 += (a[aOffset + d] as number) * (b[bOffset + d] as number);
    s1 += (a[aOffset + d + 1] as number) * (b[bOffset + d + 1] as number);
    s2 += (a[aOffset + d + 2] as number) * (b[bOffset + d + 2] as number);
    s3 += (a[aOffset + d + 3] as number) * (b[bOffset + d + 3] as number);
  }
  for (; d < dimensions; d++) s0 += (a[aOffset + d] as number) * (b[bOffset + d] as number);
  return s0 + s1 + s2 + s3;
}

/** The inner product, which is the cosine for the unit vectors every embedder returns. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  return dotProduct(a, 0, b, 0, a.length);
}
