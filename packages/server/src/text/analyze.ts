import { stemmer as englishStem } from "@orama/stemmers/english";
import { stemmer as spanishStem } from "@orama/stemmers/spanish";
import { LRUCache } from "lru-cache";
import { detectLanguage, type Language, splitWords } from "./language.js";
import { ENGLISH_STOPWORDS, foldWord, SPANISH_STOPWORDS } from "./stopwords.js";

/**
 * A text as the lexical score sees it: its language when the text gives it away, and for each of its content words
 * the terms that word may stand for. A word has one term (its stem in the text's language) or, when the language is
 * unknown, its English and its Spanish stem: a short text such as "perro ladra" is then still found by "ladran".
 */
export interface AnalyzedText {
  language: Language | undefined;
  words: ReadonlyArray<readonly string[]>;
}

const STOPWORDS = {
  en: [ENGLISH_STOPWORDS],
  es: [SPANISH_STOPWORDS],
  unknown: [ENGLISH_STOPWORDS, SPANISH_STOPWORDS],
};

export function analyze(text: string): AnalyzedText {
  const words = splitWords(text);
  const language = detectLanguage(text, words);
  const stopwords = STOPWORDS[language ?? "unknown"];
  const analyzed: Array<readonly string[]> = [];
  for (const word of words) {
    if (stopwords.some((list) => list.has(foldWord(word)))) continue;
    // The English possessive says nothing about the topic: "grandma's" is "grandma".
    analyzed.push(stems(word.replace(/'s?$/, ""), language));
  }
  return { language, words: analyzed };
}

/**
 * Stems of recent words: words repeat (a user's prompts share their vocabulary), and stemming is most of the cost of
 * indexing a user's prompts when their index is loaded.
 */
const STEM_CACHE = new LRUCache<string, readonly string[]>({ max: 50_000 });

/**
 * Snowball stems, accent-folded after stemming because the Spanish stemmer reads the accents; with no language,
 * the English and the Spanish stem.
 */
export function stems(word: string, language: Language | undefined): readonly string[] {
  const key = `${language ?? "?"}:${word}`;
  let cached = STEM_CACHE.get(key);
  if (!cached) {
    cached = stemsOf(word, language);
    STEM_CACHE.set(key, cached);
  }
  return cached;
}

function stemsOf(word: string, language: Language | undefined): string[] {
  if (language === "en") return [foldWord(englishStem(word))];
  if (language === "es") return [foldWord(spanishStem(word))];
  const english = foldWord(englishStem(word));
  const spanish = foldWord(spanishStem(word));
  return english === spanish ? [english] : [english, spanish];
}
