import { ENGLISH_STOPWORDS, foldWord, SPANISH_STOPWORDS } from "./stopwords.js";

export type Language = "en" | "es";

/** Runs of letters and digits, keeping inner apostrophes so that "don't" stays one (stop) word. */
const WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu;
/** Letters that English words almost never have (loanwords such as "café" aside). */
const SPANISH_LETTERS = /[ñáéíóúü]/;

/** The words of a text, lowercase, accents kept (the Spanish stemmer reads them), apostrophes made plain. */
export function splitWords(text: string): string[] {
  return (text.normalize("NFC").toLowerCase().match(WORD) ?? []).map((word) => word.replaceAll("’", "'"));
}

/**
 * English or Spanish by the function words each language alone uses, plus Spanish spelling ("¿", "ñ", accents);
 * undefined on a tie, as for a few content words. Words both lists hold ("a", "no", "he") tell nothing.
 */
export function detectLanguage(
  text: string,
  words: readonly string[] = splitWords(text),
): Language | undefined {
  let english = 0;
  let spanish = /[¿¡]/.test(text) ? 1 : 0;
  for (const word of words) {
    const folded = foldWord(word);
    const inEnglish = ENGLISH_STOPWORDS.has(folded);
    const inSpanish = SPANISH_STOPWORDS.has(folded);
    if (inEnglish && !inSpanish) english++;
    if (inSpanish && !inEnglish) spanish++;
    if (SPANISH_LETTERS.test(word)) spanish++;
  }
  if (english === spanish) return undefined;
  return english > spanish ? "en" : "es";
}
