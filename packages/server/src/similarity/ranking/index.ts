// The lexical view of a text is the text module's: re-exported for the ranking's callers.
export { type AnalyzedText, analyze, detectLanguage, type Language, stems } from "../../text/index.js";
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
export { bestScores, type LexicalHit, LexicalIndex } from "./lexical-index.js";
