/**
 * Argument checks shared by the vector indexes and the ranking, so that every adapter rejects the same inputs with the
 * same errors.
 */

/** Norms this far from 1 are rejected: float32 rounding stays far below it, an unnormalised embedding does not. */
const UNIT_NORM_TOLERANCE = 1e-3;

export function assertId(name: "userId" | "id", value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/** Scores are inner products, which equal cosine similarity only for unit vectors: anything else is a caller bug. */
export function assertUnitVector(dimensions: number, vector: Float32Array): void {
  if (vector.length !== dimensions) {
    throw new RangeError(`expected a vector of ${dimensions} dimensions, got ${vector.length}`);
  }
  let squaredNorm = 0;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index] as number;
    squaredNorm += value * value;
  }
  // Written so that NaN fails too.
  if (!(Math.abs(Math.sqrt(squaredNorm) - 1) <= UNIT_NORM_TOLERANCE)) {
    throw new RangeError(`expected a unit vector, got norm ${Math.sqrt(squaredNorm)}`);
  }
}

export function assertK(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
}

export function assertDimensions(dimensions: number): void {
  if (!Number.isSafeInteger(dimensions) || dimensions < 1) {
    throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
  }
}
