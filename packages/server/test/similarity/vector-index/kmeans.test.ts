import { describe, expect, it } from "vitest";
import { trainCentroids } from "../../../src/similarity/vector-index/kmeans.js";
import { dot, nearCopy, randomUnitVectors, seededRandom } from "./random-vectors.js";

const DIMENSIONS = 16;

function run(generator: Generator<void, Float32Array>): { centroids: Float32Array; steps: number } {
  let steps = 0;
  for (;;) {
    const next = generator.next();
    if (next.done) return { centroids: next.value, steps };
    steps++;
  }
}

describe("trainCentroids", () => {
  it("finds well-separated clusters, in short steps", () => {
    const random = seededRandom(1);
    const centres = randomUnitVectors(4, DIMENSIONS, 2);
    const rows = Array.from({ length: 400 }, (_, row) =>
      nearCopy(centres[row % 4] as Float32Array, 0.1, random),
    );
    const vectors = Float32Array.from(rows.flatMap((row) => [...row]));

    const { centroids, steps } = run(trainCentroids(vectors, DIMENSIONS, 4, 3));
    expect(steps).toBeGreaterThan(10);
    const found = Array.from({ length: 4 }, (_, index) =>
      centroids.subarray(index * DIMENSIONS, (index + 1) * DIMENSIONS),
    );
    for (const centre of centres) {
      expect(Math.max(...found.map((centroid) => dot(centroid, centre)))).toBeGreaterThan(0.99);
    }
    for (const centroid of found) expect(dot(centroid, centroid)).toBeCloseTo(1, 5);
    // The same rows and seed give the same centroids.
    expect(run(trainCentroids(vectors, DIMENSIONS, 4, 3)).centroids).toEqual(centroids);
  });

  it("rejects more centroids than rows", () => {
    const vectors = Float32Array.from(randomUnitVectors(3, DIMENSIONS, 4).flatMap((row) => [...row]));
    expect(() => run(trainCentroids(vectors, DIMENSIONS, 4, 1))).toThrow(RangeError);
  });
});
