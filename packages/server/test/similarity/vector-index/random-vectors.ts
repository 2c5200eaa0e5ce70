/** Reproducible random unit vectors for the vector-index tests and benchmark. */

/** mulberry32: a tiny seeded generator, so a failing test fails the same way again. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform on the sphere: normalised Gaussian coordinates (Box–Muller). */
export function randomUnitVector(dimensions: number, random: () => number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) {
    vector[index] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }
  return normalize(vector);
}

export function randomUnitVectors(count: number, dimensions: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => randomUnitVector(dimensions, random));
}

/** A unit vector a small step away from `vector`: its nearest neighbour, but not a copy. */
export function nearCopy(vector: Float32Array, step: number, random: () => number): Float32Array {
  const noise = randomUnitVector(vector.length, random);
  return normalize(vector.map((value, index) => value + step * (noise[index] as number)));
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += (a[index] as number) * (b[index] as number);
  return sum;
}

function normalize(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(vector, vector));
  return vector.map((value) => value / norm);
}
