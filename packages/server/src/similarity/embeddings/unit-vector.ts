/**
 * The vector scaled to length 1, as Float32Array. Models return vectors of length 1 within float rounding, or (some
 * OpenAI-compatible servers) of any length; the vector index and the ranking rely on exact unit length.
 */
export function toUnitVector(values: ArrayLike<number>): Float32Array {
  const vector = Float32Array.from(values);
  let squaredNorm = 0;
  for (const value of vector) squaredNorm += value * value;
  const norm = Math.sqrt(squaredNorm);
  if (!(norm > 0) || !Number.isFinite(norm))
    throw new RangeError(`cannot normalise a vector of norm ${norm}`);
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / norm;
  return vector;
}
