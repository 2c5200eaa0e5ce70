import {
  analyze,
  ENGLISH_STOPWORDS,
  foldWord,
  SPANISH_STOPWORDS,
  splitWords,
  stems as stemsIn,
} from "../../text/index.js";
import {
  CONCORD_NEGATORS,
  FRAME_WORDS,
  LIGHT_VERBS,
  MIN_ROOT_LENGTH,
  NEGATING_PREFIXES,
  NEGATORS,
  OPPOSITES,
  QUANTITY_WORDS,
  RELATION_MARKERS,
  SYNONYMS,
} from "./lexicon.js";

/** Why two questions that score as paraphrases still ask different things, or cannot be told to be the same. */
export type QuestionDifference =
  | "no content"
  | "negation"
  | "antonym"
  | "number"
  | "entity"
  | "reversed"
  | "topic"
  | "qualifier";

/**
 * Whether `later` asks something `earlier` does not, although their embeddings are close: sentence embeddings place
 * "How do I enable 2FA?" next to "How do I disable 2FA?", "5 miles" next to "50 miles" and "Australia" next to
 * "Austria". Undefined when no such difference is found: the caller's similarity threshold decides the rest.
 * Checks, in English and Spanish, each a general rule (the words they read are in ./lexicon.ts, with their sources):
 * - no content: a side has no content word at all ("?", "tell me more", "ok", an emoji): nothing says what it asks;
 * - negation: one question is negated and the other is not;
 * - number: the quantities, months or weekdays they mention differ ("python 3.12" / "python 3.11");
 * - antonym: a word of one question and a word of the other are opposites, or one is the other with a negating
 *   prefix ("install" / "uninstall");
 * - entity: each names something the other does not (capitalised words past the first: "Python" / "Java");
 * - reversed: the same words fill a relation's roles the other way round ("celsius to fahrenheit" / "fahrenheit to
 *   celsius", "from Paris to Rome" / "from Rome to Paris");
 * - topic: each has a content word the other lacks ("boil an egg" / "boil pasta");
 * - qualifier: one has a content word the other lacks, a restriction, a platform or a detail ("install python" /
 *   "install python on windows", "reset my router" / "reset my router password").
 * Words that only frame a question ("explain", "best way") and the lexicon's synonyms ("fix" / "repair") are not
 * differences; a paraphrase that puts one word for another the lexicon does not know is taken for another question,
 * which is the safe side: the model answers.
 */
export function questionDifference(earlier: string, later: string): QuestionDifference | undefined {
  const [a, b] = [describe(earlier), describe(later)];
  if (!a.hasContent || !b.hasContent) return "no content";
  if (a.negated !== b.negated) return "negation";
  if (a.quantities.join(" ") !== b.quantities.join(" ")) return "number";
  if (opposed(a, b)) return "antonym";
  if (substituted(a.entities, b.entities)) return "entity";
  if (reversed(a, b)) return "reversed";
  const onlyA = a.content.filter((word) => !covered(word, b)).length;
  const onlyB = b.content.filter((word) => !covered(word, a)).length;
  // One side says everything the other says and more: a restriction, a platform, a detail of its own.
  if ((onlyA === 0) !== (onlyB === 0)) return "qualifier";
  // One or two words put in place of each other amid the same words: another thing asked about in the same words.
  // More words apart on both sides is a rewording, for the similarity threshold to judge.
  const shared = a.content.length - onlyA;
  // Not one content word in common: another subject, whatever the embeddings say.
  if (shared === 0) return "topic";
  if (onlyA > 0 && onlyA <= MAX_SWAPPED && onlyB <= MAX_SWAPPED && shared >= Math.max(onlyA, onlyB))
    return "topic";
  // The same words around one span that differs, whatever its length: "sharpen a kitchen knife" / "sharpen a lawn
  // mower blade".
  if (onlyA > 0 && onlyB > 0 && oneSpanApart(a.words, b.words)) return "topic";
  return undefined;
}

/**
 * Whether two word sequences are the same words but for one short span of each (MAX_SPAN words at most), the words
 * around it outnumbering it: one thing put in the place of another within the same sentence.
 */
function oneSpanApart(a: readonly string[], b: readonly string[]): boolean {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const span = Math.max(a.length, b.length) - prefix - suffix;
  return span <= MAX_SPAN && prefix + suffix > span;
}

/** The longest span of words that may differ in a question about another thing in the same words. */
const MAX_SPAN = 3;

/** Content words of each side that may differ in a question about another thing. */
const MAX_SWAPPED = 2;

/** A word's stems: the text's language's, or both languages' when it cannot be told. */
type Stems = readonly string[];

interface Described {
  /** Whether any word says what is asked: a word other than stop words and frame words (numbers count). */
  hasContent: boolean;
  negated: boolean;
  /** Sorted values of the numbers and number words. */
  quantities: number[];
  /** Stems of every word (both languages' stems), and of every two-word phrase. */
  terms: Set<string>;
  /** Folded capitalised words past the first of each sentence, and all-capital words. */
  entities: Set<string>;
  /** The content words (stop words, frame words, numbers and number words left out), as the lexical search stems them. */
  content: Stems[];
  /** Every stem of `content`, for lookups. */
  contentStems: Set<string>;
  /** Every word, folded, in order. */
  words: readonly string[];
  /** Per relation marker ("to", "from", "de"…), the stems of the content words it introduces. */
  roles: Map<string, Set<string>>;
}

function describe(text: string): Described {
  const spelled = splitWords(text);
  const words = spelled.map(foldWord);
  const negators = words.filter(
    (word) => NEGATOR_SET.has(word) || /n't$/.test(word) || word === "cant",
  ).length;
  const concord = words.includes("no") ? 0 : words.filter((word) => CONCORD_SET.has(word)).length;
  const quantities: number[] = [];
  for (const match of text.matchAll(/\d+(?:[.,]\d+)*/g))
    quantities.push(Number(match[0].replaceAll(",", "")));
  spelled.forEach((word, index) => {
    const value = quantityOf(word) ?? quantityOf(words[index] as string);
    if (value !== undefined) quantities.push(value);
  });
  const terms = new Set<string>();
  words.forEach((word, index) => {
    for (const stem of bothStems(word)) terms.add(stem);
    const next = words[index + 1];
    if (next !== undefined) terms.add(`${word} ${next}`);
  });
  const analyzed = analyze(text).words.filter((stems) => !stems.some((stem) => FRAME_TERMS.has(stem)));
  // Numbers are compared as quantities, not as words ("5" / "five").
  const content = analyzed.filter(
    (stems) => !stems.some((stem) => QUANTITY_TERMS.has(stem) || /^\d/.test(stem)),
  );
  return {
    hasContent: analyzed.length > 0,
    // Two negations cancel out ("can't be frozen without blanching" is not "can be frozen without blanching").
    negated: (negators + concord) % 2 === 1,
    quantities: quantities.sort((x, y) => x - y),
    terms,
    entities: entitiesOf(text),
    content,
    contentStems: new Set(content.flat()),
    roles: rolesOf(words),
    words,
  };
}

const quantityOf = (word: string) => QUANTITY_WORDS.values.get(word);

/** A word's English and Spanish stems, accent-folded: the lexical search's own, for a text of either language. */
const bothStems = (word: string): Stems => stemsIn(word, undefined);

const NEGATOR_SET = new Set(NEGATORS.words);
const CONCORD_SET = new Set(CONCORD_NEGATORS.words);
const MARKER_SET = new Set(RELATION_MARKERS.words);
const STOPWORDS = new Set([...ENGLISH_STOPWORDS, ...SPANISH_STOPWORDS]);
const FRAME_TERMS = new Set(
  [...FRAME_WORDS.words, ...LIGHT_VERBS.words].flatMap((word) => bothStems(foldWord(word))),
);
const QUANTITY_TERMS = new Set(
  [...QUANTITY_WORDS.values.keys()].flatMap((word) => bothStems(foldWord(word))),
);

/** The lexicon's opposites as term sets, stemmed like the questions' words (phrases kept whole). */
const OPPOSITE_TERMS = OPPOSITES.map(({ sides }) =>
  sides.map(
    (side) =>
      new Set(side.flatMap((word) => (word.includes(" ") ? [foldWord(word)] : bothStems(foldWord(word))))),
  ),
);

/**
 * For each stem, the synonym lists (the lexicon's synonyms and each side of its opposites) that hold a word with
 * that stem. A word may sit in several lists; two words are synonyms when they share one.
 */
const SYNONYM_LISTS = new Map<string, Set<number>>();
[...SYNONYMS.map(({ words }) => words), ...OPPOSITES.flatMap(({ sides }) => sides)].forEach((words, list) => {
  for (const word of words) {
    if (word.includes(" ")) continue;
    for (const stem of bothStems(foldWord(word))) {
      const lists = SYNONYM_LISTS.get(stem) ?? new Set<number>();
      lists.add(list);
      SYNONYM_LISTS.set(stem, lists);
    }
  }
});

/** Whether the other question has this content word, or a synonym of it. */
function covered(word: Stems, other: Described): boolean {
  if (word.some((stem) => other.contentStems.has(stem))) return true;
  const lists = word.flatMap((stem) => [...(SYNONYM_LISTS.get(stem) ?? [])]);
  return [...other.contentStems].some((stem) => lists.some((list) => SYNONYM_LISTS.get(stem)?.has(list)));
}

/**
 * The content word each relation marker introduces, by marker: "from Paris to Rome" gives from → paris, to → rome.
 * Stop words between them ("to my Mac") are skipped.
 */
function rolesOf(words: readonly string[]): Map<string, Set<string>> {
  const roles = new Map<string, Set<string>>();
  words.forEach((marker, index) => {
    if (!MARKER_SET.has(marker)) return;
    const filler = words.slice(index + 1).find((word) => !STOPWORDS.has(word) && !MARKER_SET.has(word));
    if (filler === undefined) return;
    const fillers = roles.get(marker) ?? new Set<string>();
    for (const stem of bothStems(filler)) fillers.add(stem);
    roles.set(marker, fillers);
  });
  return roles;
}

/**
 * Whether a marker introduces, in each question, a word that the other question has in another role: the same
 * words in the relation's roles the other way round.
 */
function reversed(a: Described, b: Described): boolean {
  for (const [marker, fillersA] of a.roles) {
    const fillersB = b.roles.get(marker);
    if (!fillersB) continue;
    const movedA = [...fillersA].some((stem) => !fillersB.has(stem) && b.terms.has(stem));
    const movedB = [...fillersB].some((stem) => !fillersA.has(stem) && a.terms.has(stem));
    if (movedA && movedB) return true;
  }
  return false;
}

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
