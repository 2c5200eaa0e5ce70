export { type AnalyzedText, analyze, stems } from "./analyze.js";
export { type CorpusStatistics, lexicalScore } from "./bm25.js";
export {
  combineScores,
  cosine,
  type HybridCandidate,
  type HybridOptions,
  type HybridQuery,
  LEXICAL_WEIGHT,
  lexicalWeight,
  type RankedResult,
  rankHybrid,
} from "./hybrid.js";
export { detectLanguage, type Language } from "./language.js";
export { bestScores, type LexicalHit, LexicalIndex } from "./lexical-index.js";
