import { describe, expect, it } from "vitest";
import { analyze, detectLanguage } from "../../../src/similarity/ranking/index.js";

describe("detectLanguage", () => {
  it.each([
    ["How do I set up two-factor authentication?", "en"],
    ["enable 2FA on my login", "en"],
    ["¿Cómo configuro el wifi de mi casa?", "es"],
    ["sufro migrañas constantes", "es"],
    ["Restaurantes baratos en Madrid", "es"],
  ])("reads %j as %s", (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it("does not guess from words both languages share, or from content words alone", () => {
    expect(detectLanguage("perro ladra")).toBeUndefined();
    expect(detectLanguage("no")).toBeUndefined();
    expect(detectLanguage("")).toBeUndefined();
  });
});

describe("analyze", () => {
  it("drops function words and stems the rest in the text's language, accent-folded", () => {
    expect(analyze("¿Cómo entreno a mi perro para que no ladre?")).toEqual({
      language: "es",
      words: [["entren"], ["perr"], ["ladr"]],
    });
    expect(analyze("What are the symptoms of dehydration?")).toEqual({
      language: "en",
      words: [["symptom"], ["dehydr"]],
    });
  });

  it("gives both stems of each word when the language is unknown", () => {
    expect(analyze("perros ladrando").words).toEqual([
      ["perro", "perr"],
      ["ladrando", "ladr"],
    ]);
  });

  it("keeps digits and contractions apart, and reads the possessive as the noun", () => {
    expect(analyze("what is 30 C in F").words).toEqual([["30"], ["c"], ["f"]]);
    expect(analyze("I don’t know grandma's recipe").words).toEqual([["know"], ["grandma"], ["recip"]]);
  });

  it("matches case and accents the same way", () => {
    expect(analyze("INGLÉS para el TRABAJO")).toEqual(analyze("ingles para el trabajo"));
  });
});
