import { type AnalyzedText, analyze } from "../../text/index.js";
import { assertK } from "../vector-math/checks.js";
import { cosine } from "../vector-math/dot-product.js";
import type { LexicalIndex } from "./lexical-index.js";

export interface HybridQuery {
  text: string;
  /** Unit-length embedding of `text`. */
  vector: Float32Array;
}

export interface HybridCandidate {
  /** The id of the candidate's text in the LexicalIndex given to rankHybrid. */
  id: number;
  /** Unit-length embedding of that text, from the same model as the query's. */
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
   * The user's prompts, candidates included, by their words: it gives the lexical scores, and a word's rarity is
   * judged among all of them.
   */
  lexical: LexicalIndex;
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
 * another language the model's vectors are mostly noise and shared words are the better evidence. Each value sits in
 * the middle of the range of shares over which recall@1 does not change on the dev set (scripts/eval-similarity.ts;
 * the ranges are in BENCHMARKS.md), so that neither sits on the edge of what one set rewards.
 */
export const LEXICAL_WEIGHT = { knownLanguage: 0.1, otherLanguage: 0.6 } as const;

/**
 * Ranks candidates by a weighted mean of dense and lexical similarity, and returns the best `k`: the ranking of the
 * similarity search, for callers that hold every candidate's vector (the evaluation scripts). Pure: reads only its
 * arguments. Cost: O(candidates × dimensions), plus the lexical index's search.
 */
export function rankHybrid(
  query: HybridQuery,
  candidates: readonly HybridCandidate[],
  k: number,
  options: HybridOptions,
): RankedResult[] {
  assertK(k);
  const analyzedQuery = analyze(query.text);
  const lexicalScores = options.lexical.scores(analyzedQuery);
  const scored = candidates.map((candidate) => ({
    id: candidate.id,
    dense: cosine(query.vector, candidate.vector),
    lexical: lexicalScores.get(candidate.id) ?? 0,
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
