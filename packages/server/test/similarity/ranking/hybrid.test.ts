import { describe, expect, it } from "vitest";
import {
  combineScores,
  LEXICAL_WEIGHT,
  LexicalIndex,
  rankHybrid,
} from "../../../src/similarity/ranking/index.js";

/** A unit vector at `degrees` from the x axis in the plane: its cosine with the query below is cos(degrees). */
function at(degrees: number): Float32Array {
  const radians = (degrees * Math.PI) / 180;
  return Float32Array.of(Math.cos(radians), Math.sin(radians));
}

const QUERY_VECTOR = at(0);

interface Prompt {
  id: number;
  text: string;
  vector: Float32Array;
}

/** The prompts' words, as the user's LexicalIndex holds them. */
function lexicalOf(prompts: readonly Pick<Prompt, "id" | "text">[]): LexicalIndex {
  const lexical = new LexicalIndex();
  for (const { id, text } of prompts) lexical.add(id, text);
  return lexical;
}

/** Ranks prompts that are all of the user's prompts. */
const rank = (query: string, prompts: readonly Prompt[], k: number, denseLanguages?: readonly string[]) =>
  rankHybrid({ text: query, vector: QUERY_VECTOR }, prompts, k, {
    lexical: lexicalOf(prompts),
    denseLanguages,
  });

describe("rankHybrid", () => {
  it("orders by the weighted mean of dense and lexical scores, each in [0, 1]", () => {
    const results = rank(
      "banana bread recipe",
      [
        { id: 1, text: "Chocolate cake", vector: at(60) },
        { id: 2, text: "Banana bread recipe", vector: at(30) },
        { id: 3, text: "Unrelated", vector: at(120) },
      ],
      3,
    );
    expect(results.map((result) => result.id)).toEqual([2, 1, 3]);
    const [best, , opposite] = results;
    expect(best?.dense).toBeCloseTo(Math.cos(Math.PI / 6), 6);
    expect(best?.lexical).toBeGreaterThan(0.5);
    const weight = LEXICAL_WEIGHT.knownLanguage;
    expect(best?.score).toBeCloseTo(
      (1 - weight) * (best?.dense as number) + weight * (best?.lexical as number),
      12,
    );
    // A negative cosine counts as no similarity.
    expect(opposite).toMatchObject({ dense: 0, lexical: 0, score: 0 });
    for (const result of results) {
      for (const value of [result.score, result.dense, result.lexical])
        expect(value >= 0 && value <= 1).toBe(true);
    }
  });

  it("lets a shared word beat a slightly closer vector only for a language the model does not know", () => {
    const candidates = [
      { id: 1, text: "Receta de arroz con leche", vector: at(40) },
      { id: 2, text: "Receta de galletas de avena", vector: at(30) },
    ];
    const query = "postre de arroz con canela";
    const english = rank(query, candidates, 2, ["en"]);
    expect(english[0]?.id).toBe(1);
    const multilingual = rank(query, candidates, 2);
    expect(multilingual[0]?.id).toBe(2);
    expect(english.find((result) => result.id === 1)?.lexical).toBe(
      multilingual.find((result) => result.id === 1)?.lexical,
    );
  });

  it("judges a word's rarity among all of the user's prompts, not only the candidates", () => {
    const all = lexicalOf(["bread", "bread", "bread", "banana"].map((text, id) => ({ id, text })));
    const candidates = [
      { id: 0, text: "bread", vector: at(10) },
      { id: 3, text: "banana", vector: at(10) },
    ];
    const query = { text: "banana bread", vector: QUERY_VECTOR };
    // Among the two candidates both words are equally rare; among all prompts "banana" is the rarer, so it weighs more.
    const [alone] = rank(query.text, candidates, 2);
    const [withIndex] = rankHybrid(query, candidates, 2, { lexical: all });
    expect(alone?.lexical).toBeCloseTo(0.5, 6);
    expect(withIndex?.id).toBe(3);
    expect(withIndex?.lexical).toBeGreaterThan(0.5);
  });

  it("returns the best k, breaking ties by dense score and then by id", () => {
    const candidates = [3, 1, 2].map((id) => ({ id, text: "same", vector: at(id === 2 ? 10 : 20) }));
    const results = rank("other", candidates, 2);
    expect(results.map((result) => result.id)).toEqual([2, 1]);
    expect(rank("x", candidates, 0)).toEqual([]);
    expect(rank("x", [], 5)).toEqual([]);
  });

  it("rejects vectors of different lengths and a negative k", () => {
    expect(() => rank("x", [{ id: 1, text: "x", vector: Float32Array.of(1, 0, 0) }], 1)).toThrow(RangeError);
    expect(() => rank("x", [], -1)).toThrow(RangeError);
  });
});

describe("combineScores", () => {
  it("ranks a candidate whose vector is still being computed by its words alone", () => {
    const ranked = combineScores(
      [
        { id: 1, dense: 0.5, lexical: 0.2 },
        { id: 2, dense: undefined, lexical: 0.9 },
        { id: 3, dense: -0.4, lexical: 0 },
      ],
      3,
      LEXICAL_WEIGHT.knownLanguage,
    );
    expect(ranked.map((result) => result.id)).toEqual([2, 1, 3]);
    expect(ranked[0]).toEqual({ id: 2, score: 0.9, dense: 0, lexical: 0.9 });
    expect(ranked[1]?.score).toBeCloseTo(0.9 * 0.5 + 0.1 * 0.2);
    // A negative cosine counts as unrelated, not as less than unrelated.
    expect(ranked[2]).toEqual({ id: 3, score: 0, dense: 0, lexical: 0 });
  });
});
