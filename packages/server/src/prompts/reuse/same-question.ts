import {
  analyze,
  ENGLISH_STOPWORDS,
  foldWord,
  isStopword,
  SPANISH_STOPWORDS,
  splitWords,
  stems as stemsIn,
} from "../../text/index.js";
import {
  CONCORD_NEGATORS,
  COORDINATORS,
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
 *   celsius", "from Paris to Rome" / "from Rome to Paris"), or two of them trade places around a word that stays
 *   ("why do cats hate dogs" / "why do dogs hate cats");
 * - qualifier: one says everything the other says, in the same order, and more: a restriction, a platform or a
 *   detail ("install python" / "install python on windows", "reset my router" / "reset my router password");
 * - topic: no content word in common, or the same sentence word for word but for one short span of each, another
 *   thing put in its place ("boil an egg" / "boil pasta").
 * Words that only frame a question ("explain", "best way") and the lexicon's synonyms ("fix" / "repair") are not
 * differences. A sentence reworded around its words (the frame changed, the words reordered, one word put for
 * another) is a paraphrase as far as the checks go: the similarity threshold judges it.
 */
export function questionDifference(earlier: string, later: string): QuestionDifference | undefined {
  return questionDifferences(earlier, later)[0];
}

/**
 * Every check of questionDifference that tells `earlier` and `later` apart, in the order questionDifference tries
 * them (its answer is the first): the evaluation counts which checks refuse which pairs.
 */
export function questionDifferences(earlier: string, later: string): QuestionDifference[] {
  const [a, b] = [describe(earlier), describe(later)];
  if (!a.hasContent || !b.hasContent) return ["no content"];
  const found: QuestionDifference[] = [];
  if (a.negated !== b.negated) found.push("negation");
  if (a.quantities.join(" ") !== b.quantities.join(" ")) found.push("number");
  if (opposed(a, b)) found.push("antonym");
  if (substituted(a.entities, b.entities)) found.push("entity");
  if (reversed(a, b) || transposed(a.words, b.words)) found.push("reversed");
  const onlyA = a.content.filter((word) => !covered(word, b)).length;
  const onlyB = b.content.filter((word) => !covered(word, a)).length;
  if ((onlyA === 0) !== (onlyB === 0)) {
    // One side says everything the other says and more: a restriction, a platform, a detail of its own. Unless the
    // words it shares come in another order: a sentence built anew ("Canada's capital" / "the capital of Canada"),
    // whose extra word is as likely a rewording ("which city is…") as a restriction.
    const [shorter, longer] = onlyA === 0 ? [a, b] : [b, a];
    if (inOrder(shorter.content, longer.content)) found.push("qualifier");
  } else if (anotherTopic(a, b, onlyA)) found.push("topic");
  return found;
}

/**
 * Whether both sides ask about different things: not one content word in common, or the same words but for one span
 * of each. A count of words apart alone does not tell: a paraphrase puts one or two words for others as often as
 * another question does ("how does a heat pump work" / "…operate"), but it rewords the sentence around them, while
 * a question about another thing keeps the sentence and changes the thing.
 */
function anotherTopic(a: Described, b: Described, onlyA: number): boolean {
  // Not one content word in common: another subject, whatever the embeddings say.
  if (a.content.length === onlyA) return true;
  // The same words around one span that differs: "boil an egg" / "boil pasta", "sharpen a kitchen knife" / "sharpen
  // a lawn mower blade".
  return onlyA > 0 && (oneSpanApart(a.words, b.words) || oneContentSpanApart(a.content, b.content));
}

/** Whether every word of `shorter` is in `longer`, in the same order (each word once, synonyms counting). */
function inOrder(shorter: readonly Stems[], longer: readonly Stems[]): boolean {
  let from = 0;
  for (const word of shorter) {
    while (from < longer.length && !sameWord(word, longer[from] as Stems)) from++;
    if (from === longer.length) return false;
    from++;
  }
  return true;
}

/**
 * Whether two sentences are the same words but for two content words that trade places around at least one word
 * that stays and joins them asymmetrically: subject and object exchanged ("cats hate dogs" / "dogs hate cats"). Not
 * around a coordinator alone ("rent or buy" / "buy or rent"), which joins its terms symmetrically.
 */
function transposed(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const apart = a.flatMap((word, index) => (word === b[index] ? [] : [index]));
  if (apart.length !== 2) return false;
  const [i, j] = apart as [number, number];
  const [x, y] = [a[i] as string, a[j] as string];
  if (b[i] !== y || b[j] !== x || STOPWORDS.has(x) || STOPWORDS.has(y)) return false;
  return a.slice(i + 1, j).some((word) => !COORDINATOR_SET.has(word));
}

/**
 * Whether two word sequences are the same words but for one short span of each (MAX_SPAN words at most), the words
 * around it outnumbering it: one thing put in the place of another within the same sentence.
 */
function oneSpanApart(a: readonly string[], b: readonly string[]): boolean {
  const { span, around } = differingSpan(a, b, (x, y) => x === y);
  return span <= MAX_SPAN && around > span;
}

/**
 * The same for content words, synonyms counting as one: the same sentence about another thing, its frame reworded
 * ("How do I bake salmon?" / "What's the way to bake chicken thighs?"). The content words around the span need only
 * be as many as it, since the frame words are not counted.
 */
function oneContentSpanApart(a: readonly Stems[], b: readonly Stems[]): boolean {
  const { span, around } = differingSpan(a, b, sameWord);
  return span <= MAX_SPAN && around >= span;
}

/** The longest differing run of two sequences once their common beginning and end are set aside, and their length. */
function differingSpan<T>(
  a: readonly T[],
  b: readonly T[],
  same: (x: T, y: T) => boolean,
): { span: number; around: number } {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && same(a[prefix] as T, b[prefix] as T)) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    same(a[a.length - 1 - suffix] as T, b[b.length - 1 - suffix] as T)
  ) {
    suffix++;
  }
  return { span: Math.max(a.length, b.length) - prefix - suffix, around: prefix + suffix };
}

/** The longest span of words that may differ in a question about another thing in the same words. */
const MAX_SPAN = 3;

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
    roles: rolesOf(spelled),
    words,
  };
}

const quantityOf = (word: string) => QUANTITY_WORDS.values.get(word);

/** A word's English and Spanish stems, accent-folded: the lexical search's own, for a text of either language. */
const bothStems = (word: string): Stems => stemsIn(word, undefined);

const NEGATOR_SET = new Set(NEGATORS.words);
const CONCORD_SET = new Set(CONCORD_NEGATORS.words);
const MARKER_SET = new Set(RELATION_MARKERS.words);
const COORDINATOR_SET = new Set(COORDINATORS.words);
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
  return other.content.some((their) => sameWord(word, their));
}

/** Whether two content words are one: a stem in common, or a synonym list that holds both. */
function sameWord(x: Stems, y: Stems): boolean {
  if (x.some((stem) => y.includes(stem))) return true;
  const lists = x.flatMap((stem) => [...(SYNONYM_LISTS.get(stem) ?? [])]);
  return y.some((stem) => lists.some((list) => SYNONYM_LISTS.get(stem)?.has(list)));
}

/**
 * The content word each relation marker introduces, by marker: "from Paris to Rome" gives from → paris, to → rome.
 * Stop words between them ("to my Mac") are skipped, but not a word whose accent tells it from one ("que el té").
 */
function rolesOf(spelled: readonly string[]): Map<string, Set<string>> {
  const roles = new Map<string, Set<string>>();
  const folded = spelled.map(foldWord);
  folded.forEach((marker, index) => {
    if (!MARKER_SET.has(marker)) return;
    const filler = spelled
      .slice(index + 1)
      .find((word) => !isStopword(word) && !MARKER_SET.has(foldWord(word)));
    if (filler === undefined) return;
    const fillers = roles.get(marker) ?? new Set<string>();
    for (const stem of bothStems(foldWord(filler))) fillers.add(stem);
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
