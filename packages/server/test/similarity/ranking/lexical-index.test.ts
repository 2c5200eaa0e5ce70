import { describe, expect, it } from "vitest";
import { LexicalIndex } from "../../../src/similarity/ranking/index.js";

const PROMPTS = [
  "How do I reset my email password?",
  "Give me a recipe for banana bread",
  "Banana bread without eggs, please",
  "¿Cómo cambio la contraseña de mi cuenta bancaria?",
  "Consejos para ahorrar dinero cada mes",
  "What is the weather in Paris tomorrow?",
];

function indexOf(prompts: string[]): LexicalIndex {
  const index = new LexicalIndex();
  for (const [id, prompt] of prompts.entries()) index.add(id, prompt);
  return index;
}

describe("LexicalIndex", () => {
  it("finds the prompts that share words with the query, best first, with scores in (0, 1]", () => {
    const hits = indexOf(PROMPTS).search("banana bread recipe", 10);
    expect(hits.map((hit) => hit.id)).toEqual([1, 2]);
    for (const hit of hits) expect(hit.score > 0 && hit.score <= 1).toBe(true);
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score as number);
  });

  it("scores the idf-weighted share of the query's words a prompt holds", () => {
    // Every prompt has two content words, so each occurrence counts fully; "zebra" is in no prompt and "lion" in one.
    const index = indexOf(["lion mane", "tiger stripes", "eagle wings"]);
    const idf = (documentFrequency: number) =>
      Math.log(1 + (3 - documentFrequency + 0.5) / (documentFrequency + 0.5));
    const [hit] = index.search("lion zebra", 10);
    expect(hit?.id).toBe(0);
    expect(hit?.score).toBeCloseTo(idf(1) / (idf(1) + idf(0)), 12);
    expect(index.search("lion mane", 10)[0]?.score).toBe(1);
  });

  it("relates a stem that begins a longer one, for half the credit", () => {
    const index = indexOf(PROMPTS);
    // "banco" and "bancaria" stem to "banc" and "bancari".
    const [hit] = index.search("banco", 10);
    expect(hit?.id).toBe(3);
    const exact = index.search("bancaria", 10)[0]?.score as number;
    expect(hit?.score).toBeCloseTo(exact / 2, 12);
    // Below four letters a stem is too short to be trusted as a beginning.
    expect(indexOf(["la sal del mar"]).search("la salud", 10)).toEqual([]);
  });

  it("finds nothing for stop words, unknown words, or a limit of 0", () => {
    const index = indexOf(PROMPTS);
    expect(index.search("how do I the", 10)).toEqual([]);
    expect(index.search("xylophone", 10)).toEqual([]);
    expect(index.search("banana", 0)).toEqual([]);
    expect(new LexicalIndex().search("banana", 10)).toEqual([]);
  });

  it("keeps at most `limit` hits", () => {
    expect(
      indexOf(PROMPTS)
        .search("banana bread", 1)
        .map((hit) => hit.id),
    ).toEqual([1]);
  });

  it("is updated one prompt at a time: replace and remove take effect, statistics follow", () => {
    const index = indexOf(PROMPTS);
    expect(index.documentCount).toBe(6);
    expect(index.documentFrequency("banana")).toBe(2);
    index.add(2, "Chocolate cake without eggs");
    expect(index.documentFrequency("banana")).toBe(1);
    expect(index.search("chocolate", 10).map((hit) => hit.id)).toEqual([2]);
    index.remove(1);
    index.remove(1);
    expect(index.has(1)).toBe(false);
    expect(index.documentCount).toBe(5);
    expect(index.search("banana", 10)).toEqual([]);
    expect(index.documentFrequency("banana")).toBe(0);
  });

  it("ends as it started when every prompt is removed", () => {
    const index = indexOf(PROMPTS);
    for (const id of PROMPTS.keys()) index.remove(id);
    expect(index.documentCount).toBe(0);
    expect(index.averageLength).toBe(0);
    expect(index.search("banana bread", 10)).toEqual([]);
  });

  it("rejects ids that are not safe integers", () => {
    expect(() => new LexicalIndex().add(1.5, "text")).toThrow(RangeError);
  });

  // How fast it searches is measured by `npm run bench -- --only search`, never here: a timed test fails by chance.
  it("finds, among 100,000 prompts, only prompts that share a word with the query", () => {
    // Prompts drawn from a 20,000-word vocabulary with Zipf frequencies, so that common words have long postings.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const vocabulary = Array.from({ length: 20_000 }, (_, index) => `w${index.toString(36)}x`);
    const word = () => vocabulary[Math.floor(Math.exp(random() * Math.log(vocabulary.length))) - 1] as string;
    const index = new LexicalIndex();
    const texts: string[] = [];
    for (let id = 0; id < 100_000; id++) {
      texts.push(`how do I ${Array.from({ length: 8 }, word).join(" ")} for my team`);
      index.add(id, texts[id] as string);
    }
    for (let query = 0; query < 20; query++) {
      const words = [word(), word(), word(), word()];
      const hits = index.search(words.join(" "), 50);
      expect(hits.length).toBeGreaterThan(0);
      for (const hit of hits) {
        const text = (texts[hit.id] as string).split(" ");
        expect(words.some((queried) => text.includes(queried))).toBe(true);
      }
    }
  }, 60_000);
});
