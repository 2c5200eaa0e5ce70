import { type AnalyzedText, analyze } from "../../text/index.js";
import { assertId, assertK } from "../vector-math/checks.js";
import { TopK } from "../vector-math/top-k.js";
import {
  type CorpusStatistics,
  distinctWords,
  frequencyPart,
  MIN_PREFIX_LENGTH,
  matchCredit,
  termCounts,
  wordWeight,
} from "./bm25.js";

export interface LexicalHit {
  id: number;
  /** The lexical score (see LexicalIndex.scores), in [0, 1]. */
  score: number;
}

/**
 * What V8 spends per document (its entry and term list), per posting (a document's entry in a term's map) and per
 * distinct term (its key, map and prefix-table entry), measured with `npm run bench` (section index-cache): estimates,
 * for the memory budget of the resident users.
 */
const BYTES_PER_DOCUMENT = 160;
const BYTES_PER_POSTING = 56;
const BYTES_PER_TERM = 260;

interface IndexedDocument {
  /** Distinct terms, to find the postings to update on removal. */
  terms: string[];
  length: number;
}

/**
 * One user's prompts as an inverted index (term → document → frequency), kept in step one prompt at a time.
 *
 * It answers two things: the collection statistics that make a lexical score comparable across queries (document
 * frequencies, mean length), and `search`, the documents that share words with a query, so that a prompt the dense
 * model misses (say, one in a language it was not trained on) can still become a candidate.
 *
 * Cost: `add` and `remove` are O(terms of the document). `search` reads only the postings of the query's stems and of
 * the stems related to them (found through a table keyed by their first letters), so it is O(documents containing
 * such a stem + hits × log limit), not O(documents): stop words are never indexed, which keeps the longest postings
 * out. Memory is about one map entry per distinct (document, term) pair.
 */
export class LexicalIndex implements CorpusStatistics {
  readonly #documents = new Map<number, IndexedDocument>();
  readonly #postings = new Map<string, Map<number, number>>();
  /** Indexed terms by their first MIN_PREFIX_LENGTH letters, to find the longer stems a query stem begins. */
  readonly #termsByPrefix = new Map<string, Set<string>>();
  #totalLength = 0;
  #postingCount = 0;

  get documentCount(): number {
    return this.#documents.size;
  }

  get averageLength(): number {
    return this.#documents.size === 0 ? 0 : this.#totalLength / this.#documents.size;
  }

  /** An estimate of the memory the index takes, in bytes. */
  get bytes(): number {
    return (
      this.#documents.size * BYTES_PER_DOCUMENT +
      this.#postingCount * BYTES_PER_POSTING +
      this.#postings.size * BYTES_PER_TERM
    );
  }

  documentFrequency(term: string): number {
    return this.#postings.get(term)?.size ?? 0;
  }

  has(id: number): boolean {
    return this.#documents.has(id);
  }

  /** Indexes the text under `id`, replacing the text that id had. */
  add(id: number, text: string): void {
    assertId("id", id);
    this.remove(id);
    const { counts, length } = termCounts(analyze(text));
    for (const [term, frequency] of counts) {
      let postings = this.#postings.get(term);
      if (!postings) {
        postings = new Map();
        this.#postings.set(term, postings);
        this.#bucketOf(term, true)?.add(term);
      }
      postings.set(id, frequency);
    }
    this.#documents.set(id, { terms: [...counts.keys()], length });
    this.#totalLength += length;
    this.#postingCount += counts.size;
  }

  /** Forgets `id`; does nothing when it is not there. */
  remove(id: number): void {
    const document = this.#documents.get(id);
    if (!document) return;
    for (const term of document.terms) {
      const postings = this.#postings.get(term);
      postings?.delete(id);
      if (postings?.size !== 0) continue;
      this.#postings.delete(term);
      const bucket = this.#bucketOf(term, false);
      bucket?.delete(term);
      if (bucket?.size === 0) this.#termsByPrefix.delete(term.slice(0, MIN_PREFIX_LENGTH));
    }
    this.#documents.delete(id);
    this.#totalLength -= document.length;
    this.#postingCount -= document.terms.length;
  }

  /**
   * The `limit` documents with the highest lexical score (see `scores`), best first; only documents sharing at least
   * one word with the query.
   */
  search(query: string | AnalyzedText, limit: number): LexicalHit[] {
    return bestScores(this.scores(query), limit);
  }

  /**
   * The lexical score of every document sharing at least one word with the query (the others score 0), in [0, 1]:
   * BM25 divided by the sum of the query words' idf, that is the idf-weighted share of the query's words that the
   * document contains, where one occurrence in a document of average length counts fully (a related stem, see
   * matchCredit, half). Capped at 1, which repeats or a short document reach; a query of stop words only matches
   * nothing.
   */
  scores(query: string | AnalyzedText): Map<number, number> {
    const analyzed = typeof query === "string" ? analyze(query) : query;
    const sums = new Map<number, number>();
    const averageLength = this.averageLength;
    let total = 0;
    for (const terms of distinctWords(analyzed)) {
      const weight = wordWeight(this, terms);
      total += weight;
      const sources = terms.flatMap((term) =>
        this.#relatedTerms(term).map((related) => ({
          credit: matchCredit(term, related),
          postings: this.#postings.get(related) as Map<number, number>,
        })),
      );
      // A word that matches through several stems counts once per document, by its best match; the common case of
      // one stem adds its postings directly.
      const parts = sources.length === 1 ? sums : new Map<number, number>();
      for (const { credit, postings } of sources) {
        for (const [id, frequency] of postings) {
          const part =
            credit *
            frequencyPart(frequency, (this.#documents.get(id) as IndexedDocument).length, averageLength);
          if (parts === sums) sums.set(id, (sums.get(id) ?? 0) + weight * part);
          else parts.set(id, Math.max(parts.get(id) ?? 0, part));
        }
      }
      if (parts !== sums) for (const [id, part] of parts) sums.set(id, (sums.get(id) ?? 0) + weight * part);
    }
    for (const [id, sum] of sums) sums.set(id, Math.min(1, sum / total));
    return sums;
  }

  /**
   * The indexed terms matchCredit relates to `term`: itself, and for a stem long enough to have a bucket, the stems of
   * that bucket it begins or that begin it (all share its first MIN_PREFIX_LENGTH letters).
   */
  #relatedTerms(term: string): string[] {
    const bucket = this.#bucketOf(term, false);
    if (bucket) return [...bucket].filter((other) => matchCredit(term, other) > 0);
    return term.length < MIN_PREFIX_LENGTH && this.#postings.has(term) ? [term] : [];
  }

  /** The bucket of a term long enough to have one, created when asked to. */
  #bucketOf(term: string, create: boolean): Set<string> | undefined {
    if (term.length < MIN_PREFIX_LENGTH) return undefined;
    const key = term.slice(0, MIN_PREFIX_LENGTH);
    let bucket = this.#termsByPrefix.get(key);
    if (!bucket && create) {
      bucket = new Set();
      this.#termsByPrefix.set(key, bucket);
    }
    return bucket;
  }
}

/** The `limit` best of `scores` (as LexicalIndex.scores gives them), best first. */
export function bestScores(scores: ReadonlyMap<number, number>, limit: number): LexicalHit[] {
  assertK(limit);
  const top = new TopK(limit);
  for (const [id, score] of scores) top.offer(score, id);
  return top.drain().map(({ item, score }) => ({ id: item, score }));
}
