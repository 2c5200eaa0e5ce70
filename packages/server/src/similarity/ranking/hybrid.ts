import { assertK } from "../vector-index/checks.js";
import { dotProduct } from "../vector-index/dot-product.js";
import { type AnalyzedText, analyze } from "./analyze.js";
import { type CorpusStatistics, lexicalScore, statisticsOf, type TermCounts, termCounts } from "./bm25.js";

export interface HybridQuery {
  text: string;
  /** Unit-length embedding of `text`. */
  vector: Float32Array;
}

export interface HybridCandidate {
  id: number;
  text: string;
  /** Unit-length embedding of `text`, from the same model as the query's. */
  vector: Float32Array;
}

/**
 * One ranked prompt. Every score is in [0, 1], higher meaning more similar:
 * - `dense`: cosine similarity of the embeddings, negatives (unrelated or opposite) clamped to 0;
 * - `lexical`: the idf-weighted share of the query's words found in the prompt (see ./bm25.ts);
 * - `score`: their weighted mean, the order of the results.
 */
export interface RankedResult {
  id: number;
  score: number;
  dense: number;
  lexical: number;
}

export interface HybridOptions {
  /**
   * Collection statistics for the lexical score: the user's LexicalIndex, so that a word's rarity is judged among
   * all of the user's prompts. Defaults to statistics of the candidates alone.
   */
  statistics?: CorpusStatistics;
  /**
   * Languages the embedding model was trained for (`Embedder.languages`); undefined means any language. A query
   * detected to be in another language leans on the lexical score, because such a model's vectors barely tell
   * one sentence of that language from another; a query whose language cannot be told gets the model's weighting.
   */
  denseLanguages?: readonly string[];
}

/**
 * The lexical share of the score. For a language the model knows, a small share breaks ties between close dense
 * scores without letting a shared word beat a paraphrase (the dev set's distractors share words on purpose); for
 * another language the model's vectors are mostly noise and shared words are the better evidence. Measured with
 * scripts/eval-similarity.ts on the dev set and on two sets of the same shape written apart from it: recall@1 does
 * not change for a known-language share from 0 to 0.2 nor for an other-language share from 0.5 to 0.8, and these
 * values sit in the middle of those ranges.
 */
export const LEXICAL_WEIGHT = { knownLanguage: 0.1, otherLanguage: 0.6 } as const;

/**
 * Ranks candidates (typically the union of the vector index's and the LexicalIndex's hits for one user) by a
 * weighted mean of dense and lexical similarity, and returns the best `k`. Pure: reads only its arguments.
 * Cost: O(candidates × (dimensions + words per text)).
 */
export function rankHybrid(
  query: HybridQuery,
  candidates: readonly HybridCandidate[],
  k: number,
  options: HybridOptions = {},
): RankedResult[] {
  assertK(k);
  const analyzedQuery = analyze(query.text);
  const documents = candidates.map((candidate) => termCounts(analyze(candidate.text)));
  const statistics = options.statistics ?? statisticsOf(documents);
  const scored = candidates.map((candidate, index) => ({
    id: candidate.id,
    dense: cosine(query.vector, candidate.vector),
    lexical: lexicalScore(analyzedQuery, documents[index] as TermCounts, statistics),
  }));
  return combineScores(scored, k, lexicalWeight(analyzedQuery, options.denseLanguages));
}

/**
 * The lexical share of the score for this query: the model's languages (`Embedder.languages`, undefined for any)
 * decide whether its vectors can be trusted for the query's language; a query whose language cannot be told gets
 * the model's weighting.
 */
export function lexicalWeight(query: AnalyzedText, denseLanguages: readonly string[] | undefined): number {
  const known =
    denseLanguages === undefined || query.language === undefined || denseLanguages.includes(query.language);
  return known ? LEXICAL_WEIGHT.knownLanguage : LEXICAL_WEIGHT.otherLanguage;
}

/**
 * The best `k` of candidates by the weighted mean of their dense (cosine, in [-1, 1]; negatives clamped to 0) and
 * lexical (in [0, 1]) scores. A candidate without a dense score (its vector is still being computed) is ranked by
 * its words alone rather than as if its meaning were unrelated. Ties go to the denser match, then to the older prompt.
 */
export function combineScores(
  scored: ReadonlyArray<{ id: number; dense: number | undefined; lexical: number }>,
  k: number,
  weight: number,
): RankedResult[] {
  assertK(k);
  const ranked = scored.map(({ id, dense, lexical }) => {
    if (dense === undefined) return { id, score: lexical, dense: 0, lexical };
    const clamped = Math.max(0, dense);
    return { id, score: (1 - weight) * clamped + weight * lexical, dense: clamped, lexical };
  });
  ranked.sort((a, b) => b.score - a.score || b.dense - a.dense || a.id - b.id);
  return ranked.slice(0, k);
}

/** The inner product, which is the cosine for the unit vectors every embedder returns. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  return dotProduct(a, 0, b, 0, a.length);
}
