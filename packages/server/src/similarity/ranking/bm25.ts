import type { AnalyzedText } from "../../text/index.js";

/** What BM25 needs to know about the collection a document belongs to (one user's prompts). */
export interface CorpusStatistics {
  readonly documentCount: number;
  /** Mean document length in content words. */
  readonly averageLength: number;
  documentFrequency(term: string): number;
}

/** A document reduced to what the score reads: how often each term occurs and how many content words it has. */
export interface TermCounts {
  readonly counts: ReadonlyMap<string, number>;
  readonly length: number;
}

/** The usual BM25 constants: term-frequency saturation and how much document length matters. */
const K1 = 1.2;
const B = 0.75;

export function termCounts(text: AnalyzedText): TermCounts {
  const counts = new Map<string, number>();
  for (const terms of text.words) for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return { counts, length: text.words.length };
}

/** BM25's idf, in the form that stays positive for a term found in every document. */
function idf(statistics: CorpusStatistics, term: string): number {
  const n = statistics.documentCount;
  const df = statistics.documentFrequency(term);
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * BM25's term-frequency part: 1 for one occurrence in a document of average length, more for repeats (saturating at
 * K1 + 1), less in longer documents.
 */
export function frequencyPart(frequency: number, length: number, averageLength: number): number {
  return (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * length) / (averageLength || 1)));
}

/**
 * A query word's weight: the idf of its most common reading, since a word whose stems differ by language (see
 * analyze.ts) is one word of the query, not two.
 */
export function wordWeight(statistics: CorpusStatistics, terms: readonly string[]): number {
  return Math.min(...terms.map((term) => idf(statistics, term)));
}

/** The query's distinct words, each once: repeating a word in a query does not make it matter more. */
export function distinctWords(query: AnalyzedText): ReadonlyArray<readonly string[]> {
  const seen = new Map<string, readonly string[]>();
  for (const terms of query.words) seen.set(terms.join(" "), terms);
  return [...seen.values()];
}

/** The shortest stem that counts when it begins a longer one. */
export const MIN_PREFIX_LENGTH = 4;
/** What such a related stem counts for, against 1 for the same stem. */
const PREFIX_CREDIT = 0.5;

/**
 * 1 for the same stem; PREFIX_CREDIT when one stem of at least MIN_PREFIX_LENGTH letters begins the other; else 0.
 * Snowball stemmers strip inflections but leave derivations apart ("banc" and "bancari" for "banco" and "bancaria",
 * "mexic" and "mexican"), and such a pair usually still shares the topic.
 */
export function matchCredit(queryTerm: string, documentTerm: string): number {
  if (queryTerm === documentTerm) return 1;
  const [shorter, longer] =
    queryTerm.length < documentTerm.length ? [queryTerm, documentTerm] : [documentTerm, queryTerm];
  return shorter.length >= MIN_PREFIX_LENGTH && longer.startsWith(shorter) ? PREFIX_CREDIT : 0;
}
