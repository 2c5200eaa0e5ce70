import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Embedder } from "../../../src/similarity/embeddings/index.js";

/** A text, one the model must find nearer to it, and one it must find farther. */
export type Ordering = readonly [text: string, nearer: string, farther: string];

export interface EmbedderContractOptions {
  /**
   * What the model must tell apart: PARAPHRASES for a model that knows what texts mean; for the tiny test model, which
   * only averages token vectors, texts that share words against texts that share none.
   */
  orderings: readonly Ordering[];
}

/** A paraphrase scores above an unrelated text. */
export const PARAPHRASES: readonly Ordering[] = [
  [
    "How do I reset my email password?",
    "I forgot the password of my mailbox",
    "Give me a recipe for banana bread",
  ],
  [
    "Is it going to rain tomorrow?",
    "What will the weather be like tomorrow?",
    "How do I reset my email password?",
  ],
  ["Recipe for a chocolate cake", "How do I bake a chocolate cake?", "Is it going to rain tomorrow?"],
];

const TEXTS = [
  "How do I reset my email password?",
  "Give me a recipe for banana bread",
  "What will the weather be like tomorrow?",
];

/** One contract, every adapter of the embeddings port: what the vector index and the ranking rely on. */
export function embedderContract(
  name: string,
  load: () => Promise<Embedder>,
  options: EmbedderContractOptions,
): void {
  describe(`embedder contract: ${name}`, () => {
    let embedder: Embedder;

    beforeAll(async () => {
      embedder = await load();
    });

    afterAll(async () => {
      await embedder?.close();
    });

    it("has an id and a positive number of dimensions", () => {
      expect(embedder.id).toMatch(/^(bundled|transformers|openai):./);
      expect(Number.isSafeInteger(embedder.dimensions) && embedder.dimensions > 0).toBe(true);
    });

    it("returns one unit-length Float32Array of `dimensions` per text", async () => {
      const vectors = await embedder.embed(TEXTS);
      expect(vectors).toHaveLength(TEXTS.length);
      for (const vector of vectors) {
        expect(vector).toBeInstanceOf(Float32Array);
        expect(vector).toHaveLength(embedder.dimensions);
        expect(norm(vector)).toBeCloseTo(1, 5);
      }
    });

    it("returns nothing for no texts", async () => {
      expect(await embedder.embed([])).toEqual([]);
    });

    it("embeds the empty string, unicode and a long text", async () => {
      const vectors = await embedder.embed(["", "¿Qué tal? 🙂 naïve café", "word ".repeat(2000)]);
      for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 5);
    });

    it("is deterministic: the same text gives the same vector, across calls and within one", async () => {
      const [first, again] = await embedder.embed([TEXTS[0] as string, TEXTS[0] as string]);
      const [later] = await embedder.embed([TEXTS[0] as string]);
      expect(cosine(first, again)).toBeCloseTo(1, 5);
      expect(cosine(first, later)).toBeCloseTo(1, 5);
    });

    it("keeps the order of a batch, and a text's vector does not depend on its batch", async () => {
      const batch = await embedder.embed(TEXTS);
      const reversed = await embedder.embed([...TEXTS].reverse());
      for (const [index, text] of TEXTS.entries()) {
        const [alone] = await embedder.embed([text]);
        expect(cosine(batch[index], alone)).toBeCloseTo(1, 4);
        expect(cosine(reversed[TEXTS.length - 1 - index], alone)).toBeCloseTo(1, 4);
      }
      expect(cosine(batch[0], batch[1])).toBeLessThan(0.999);
    });

    it("scores the nearer text of each ordering above the farther one", async () => {
      for (const [text, nearer, farther] of options.orderings) {
        const [a, b, c] = await embedder.embed([text, nearer, farther]);
        expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
      }
    });
  });
}

function norm(vector: Float32Array | undefined): number {
  return Math.sqrt(cosine(vector, vector));
}

function cosine(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b) throw new Error("missing vector");
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += (a[index] as number) * (b[index] as number);
  return sum;
}
