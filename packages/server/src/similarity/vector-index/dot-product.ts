/**
 * The inner product of `dimensions` floats of `a` from `aOffset` and of `b` from `bOffset`: the inner loop of every
 * scan over stored vectors. Four independent sums let the CPU overlap the multiply-adds, nearly twice as fast as
 * one running sum (measured in bench/vector-index.bench.ts).
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
