/**
 * Words of a text as every part of the server reads them: its language, its stop words and its stems. The lexical
 * ranking, the bundled embedding model's input and the answer-reuse checks share them, so that they agree.
 */
export { type AnalyzedText, analyze, stems } from "./analyze.js";
export { detectLanguage, type Language, splitWords } from "./language.js";
export { ENGLISH_STOPWORDS, foldWord, isStopword, SPANISH_STOPWORDS } from "./stopwords.js";
