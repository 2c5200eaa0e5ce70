import { analyze, stems } from "../../similarity/ranking/index.js";
import { splitWords } from "../../similarity/ranking/language.js";
import { foldWord } from "../../similarity/ranking/stopwords.js";
import {
  CONCORD_NEGATORS,
  FRAME_WORDS,
  MIN_ROOT_LENGTH,
  NEGATING_PREFIXES,
  NEGATORS,
  OPPOSITES,
  QUANTITY_WORDS,
  SYNONYMS,
} from "./lexicon.js";

/** Content words of each side that may differ in a question about another thing. */
const MAX_SWAPPED = 2;

/** Why two questions that score as paraphrases still ask different things. */
export type QuestionDifference = "negation" | "antonym" | "number" | "entity" | "topic";

/**
 * Whether `later` asks something `earlier` does not, although their embeddings are close: sentence embeddings place
 * "How do I enable 2FA?" next to "How do I disable 2FA?", "5 miles" next to "50 miles" and "Australia" next to
 * "Austria". Undefined when no such difference is found: the caller's similarity threshold decides the rest.
 * Checks, in English and Spanish:
 * - negation: one question is negated and the other is not;
 * - number: the quantities, months or weekdays they mention differ;
 * - antonym: a word of one question and a word of the other are opposites (./lexicon.ts), or one is the other
 *   with a negating prefix ("install" / "uninstall");
 * - entity: each names something the other does not (capitalised words past the first: "Python" / "Java").
 *   A name only one of them has ("on Windows" / "on my Windows PC") is taken as detail, not as another question;
 * - topic: the same question about another thing: every content word is shared but one or two on each side
 *   ("How long should I boil an egg?" / "…boil pasta?"). Words that only frame a question ("explain", "best way")
 *   and the lexicon's synonyms ("fix" / "repair") do not count as swapped; a paraphrase that puts one word for
 *   another the lexicon does not know is lost to this check, which is the safe side.
 */
export function questionDifference(earlier: string, later: string): QuestionDifference | undefined {
  const [a, b] = [describe(earlier), describe(later)];
  if (a.negated !== b.negated) return "negation";
  if (a.quantities.join(" ") !== b.quantities.join(" ")) return "number";
  if (opposed(a, b)) return "antonym";
  if (substituted(a.entities, b.entities)) return "entity";
  if (swappedWord(a.contentTerms, b.contentTerms)) return "topic";
  return undefined;
}

interface Described {
  negated: boolean;
  /** Sorted values of the numbers and number words. */
  quantities: number[];
  /** Stems of every word (both languages' stems), and of every two-word phrase. */
  terms: Set<string>;
  /** Folded capitalised words past the first of each sentence, and all-capital words. */
  entities: Set<string>;
  /** Stems of the content words (stop words left out), as the lexical search sees them, synonyms as one. */
  contentTerms: Set<string>;
}

function describe(text: string): Described {
  const spelled = splitWords(text);
  const words = spelled.map(foldWord);
  const negators = words.filter((word) => NEGATORS.has(word) || /n't$/.test(word) || word === "cant").length;
  const concord = words.includes("no") ? 0 : words.filter((word) => CONCORD_NEGATORS.has(word)).length;
  const quantities: number[] = [];
  for (const match of text.matchAll(/\d+(?:[.,]\d+)*/g))
    quantities.push(Number(match[0].replaceAll(",", "")));
  spelled.forEach((word, index) => {
    const value = QUANTITY_WORDS.get(word) ?? QUANTITY_WORDS.get(words[index] as string);
    if (value !== undefined) quantities.push(value);
  });
  const terms = new Set<string>();
  words.forEach((word, index) => {
    for (const stem of stemsOf(word)) terms.add(stem);
    const next = words[index + 1];
    if (next !== undefined) terms.add(`${word} ${next}`);
  });
  const contentTerms = new Set(
    analyze(text).words.map((terms) => {
      const term = terms[0] as string;
      return FRAME_TERMS.has(term) ? term : (SYNONYM_OF.get(term) ?? term);
    }),
  );
  return {
    contentTerms,
    // Two negations cancel out ("can't be frozen without blanching" is not "can be frozen without blanching").
    negated: (negators + concord) % 2 === 1,
    quantities: quantities.sort((x, y) => x - y),
    terms,
    entities: entitiesOf(text),
  };
}

/** A word's English and Spanish stems, accent-folded: the lexical search's own, for a text of either language. */
const stemsOf = (word: string): readonly string[] => stems(word, undefined);

/** The lexicon's opposites as term sets, stemmed like the questions' words (phrases kept whole). */
const OPPOSITE_TERMS = OPPOSITES.map((sides) =>
  sides.map(
    (side) =>
      new Set(side.flatMap((word) => (word.includes(" ") ? [foldWord(word)] : stemsOf(foldWord(word))))),
  ),
);

/** The lexicon's frame words and synonyms, as analyze stems them (with either language's stemmer). */
const FRAME_TERMS = new Set(FRAME_WORDS.flatMap(stemsOf));
/**
 * Each word of a synonym group, or of one side of a pair of opposites (words of one meaning: "lower", "reduce"), to
 * one stem that stands for the group.
 */
const SYNONYM_OF = new Map(
  [...SYNONYMS, ...OPPOSITES.flat()].flatMap((group) => {
    const [canonical] = stemsOf(foldWord(group[0] as string));
    return group.flatMap((word) =>
      word.includes(" ") ? [] : stemsOf(foldWord(word)).map((stem) => [stem, canonical as string] as const),
    );
  }),
);

/** Whether a term only one question has is the opposite of a term only the other has. */
function opposed(a: Described, b: Described): boolean {
  const onlyA = [...a.terms].filter((term) => !b.terms.has(term));
  const onlyB = [...b.terms].filter((term) => !a.terms.has(term));
  if (onlyA.length === 0 || onlyB.length === 0) return false;
  for (const [left, right] of OPPOSITE_TERMS) {
    const hasLeft = (terms: string[]) => terms.some((term) => left?.has(term));
    const hasRight = (terms: string[]) => terms.some((term) => right?.has(term));
    if ((hasLeft(onlyA) && hasRight(onlyB)) || (hasRight(onlyA) && hasLeft(onlyB))) return true;
  }
  return onlyA.some((x) => onlyB.some((y) => prefixedOpposite(x, y) || prefixedOpposite(y, x)));
}

/** Whether `prefixed` is `root` with a negating prefix ("uninstal" / "instal", "desactiv" / "activ"). */
function prefixedOpposite(prefixed: string, root: string): boolean {
  return (
    root.length >= MIN_ROOT_LENGTH &&
    !root.includes(" ") &&
    NEGATING_PREFIXES.some((prefix) => prefixed === prefix + root)
  );
}

/**
 * Capitalised words that do not begin a sentence ("Python", "Disney+") and words in capitals ("USB"), folded.
 * The first word of a sentence is capitalised anyway; "I" is not a name.
 */
function entitiesOf(text: string): Set<string> {
  const entities = new Set<string>();
  for (const sentence of text.split(/[.!?¿¡]+/)) {
    const words = sentence.match(/[\p{L}\p{N}][\p{L}\p{N}+#'’.-]*/gu) ?? [];
    words.forEach((word, index) => {
      const capitalised = /^\p{Lu}/u.test(word) || /\p{Ll}\p{Lu}/u.test(word);
      if (capitalised && (index > 0 || /^\p{Lu}{2,}/u.test(word)) && word !== "I") {
        // The possessive says nothing about which thing is named: "Canada's" is "Canada".
        entities.add(foldWord(word.toLowerCase()).replace(/['’]s$/, ""));
      }
    });
  }
  return entities;
}

/** Whether each side names something the other does not: one thing put in the place of another. */
function substituted(a: Set<string>, b: Set<string>): boolean {
  return [...a].some((entity) => !b.has(entity)) && [...b].some((entity) => !a.has(entity));
}

/**
 * Whether one or two content words of each question were put in place of each other while at least as many are
 * shared: a question about another thing in the same words.
 */
function swappedWord(a: Set<string>, b: Set<string>): boolean {
  // Words that only frame the question may differ freely; they still count among the shared ones.
  const onlyA = [...a].filter((term) => !b.has(term) && !FRAME_TERMS.has(term)).length;
  const onlyB = [...b].filter((term) => !a.has(term) && !FRAME_TERMS.has(term)).length;
  const shared = [...a].filter((term) => b.has(term)).length;
  return (
    onlyA >= 1 &&
    onlyB >= 1 &&
    onlyA <= MAX_SWAPPED &&
    onlyB <= MAX_SWAPPED &&
    shared >= Math.max(onlyA, onlyB)
  );
}
