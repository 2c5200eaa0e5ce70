export { type AnalyzedText, analyze, stems } from "./analyze.js";
export {
  combineScores,
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
