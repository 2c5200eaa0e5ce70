/**
 * `npm run eval:similarity [-- path/to/set.json]`: paraphrase retrieval quality of the similarity search.
 *
 * Indexes every corpus entry of the set as a prompt of one user, through the embedder EMBEDDINGS names (default
 * "bundled") and the hybrid ranking, then asks each query for its most similar prompts and prints recall@1 and
 * recall@3 per language and overall, beside the same figures for dense (embedding-only) ranking.
 * The default set is eval/similarity-dev.json, the development set the project was given (a copy of
 * ../shared/eval/similarity-dev.json); the project is judged on a held-out set of the same shape.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadConfig, resolveOptions } from "../packages/server/src/config.js";
import { createEmbedder, type Embedder } from "../packages/server/src/similarity/embeddings/index.js";
import { LexicalIndex, rankHybrid } from "../packages/server/src/similarity/ranking/index.js";

export interface SimilaritySet {
  corpus: Record<string, string>;
  queries: Array<{ lang: string; q: string; target: string }>;
}

export interface Recall {
  queries: number;
  at1: number;
  at3: number;
}

/** Recall per language and under "all", for the hybrid ranking and for dense ranking alone. */
export interface SimilarityReport {
  hybrid: Record<string, Recall>;
  dense: Record<string, Recall>;
}

const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEV_SET = resolve(REPOSITORY, "eval/similarity-dev.json");

export async function readSimilaritySet(path: string): Promise<SimilaritySet> {
  const set = JSON.parse(await readFile(path, "utf8")) as SimilaritySet;
  for (const query of set.queries) {
    if (!(query.target in set.corpus))
      throw new Error(`${path}: query "${query.q}" targets unknown "${query.target}"`);
  }
  return set;
}

export async function evaluateSimilarity(set: SimilaritySet, embedder: Embedder): Promise<SimilarityReport> {
  const keys = Object.keys(set.corpus);
  const texts = Object.values(set.corpus);
  // Prompt ids are numbers, as in the database.
  const vectors = await embedder.embed(texts);
  const candidates = texts.map((text, index) => ({
    id: index,
    text,
    vector: vectors[index] as Float32Array,
  }));
  const lexical = new LexicalIndex();
  for (const candidate of candidates) lexical.add(candidate.id, candidate.text);

  const queryVectors = await embedder.embed(set.queries.map((query) => query.q));
  const hybridRanks: Array<{ lang: string; rank: number }> = [];
  const denseRanks: Array<{ lang: string; rank: number }> = [];
  set.queries.forEach((query, index) => {
    const target = keys.indexOf(query.target);
    const vector = queryVectors[index] as Float32Array;
    // Every prompt is a candidate here: with a corpus this small the union of the vector index's and the lexical
    // index's hits would be all of them anyway.
    const hybrid = rankHybrid({ text: query.q, vector }, candidates, candidates.length, {
      lexical,
      denseLanguages: embedder.languages,
    });
    const dense = [...hybrid].sort((a, b) => b.dense - a.dense || a.id - b.id);
    hybridRanks.push({ lang: query.lang, rank: hybrid.findIndex((result) => result.id === target) });
    denseRanks.push({ lang: query.lang, rank: dense.findIndex((result) => result.id === target) });
  });
  return { hybrid: recallByLanguage(hybridRanks), dense: recallByLanguage(denseRanks) };
}

function recallByLanguage(ranks: Array<{ lang: string; rank: number }>): Record<string, Recall> {
  const languages = [...new Set(ranks.map((entry) => entry.lang))].sort();
  const report: Record<string, Recall> = {};
  for (const language of [...languages, "all"]) {
    const selected = ranks.filter((entry) => language === "all" || entry.lang === language);
    report[language] = {
      queries: selected.length,
      at1: selected.filter((entry) => entry.rank === 0).length / selected.length,
      at3: selected.filter((entry) => entry.rank >= 0 && entry.rank < 3).length / selected.length,
    };
  }
  return report;
}

async function main(): Promise<void> {
  const path = resolve(process.argv[2] ?? DEV_SET);
  const spec = process.env.EMBEDDINGS ?? "bundled";
  const set = await readSimilaritySet(path);
  const started = performance.now();
  const embedder = await createEmbedder(spec, {
    // OPENAI_API_KEY, OPENAI_BASE_URL and LLM_TIMEOUT as the server reads them, defaults included.
    openai: resolveOptions(loadConfig().options),
  });
  const loadMs = performance.now() - started;
  try {
    console.log(`set: ${path} (${Object.keys(set.corpus).length} prompts, ${set.queries.length} queries)`);
    console.log(
      `EMBEDDINGS=${spec}: ${embedder.id}, ${embedder.dimensions} dimensions, loaded in ${ms(loadMs)}`,
    );
    await printThroughput(embedder, Object.values(set.corpus));
    const report = await evaluateSimilarity(set, embedder);
    console.log("\nlanguage  ranking  queries  recall@1  recall@3");
    for (const language of Object.keys(report.hybrid)) {
      for (const ranking of ["dense", "hybrid"] as const) {
        const { queries, at1, at3 } = report[ranking][language] as Recall;
        console.log(
          `${language.padEnd(8)}  ${ranking.padEnd(7)}  ${String(queries).padStart(7)}  ${at1.toFixed(2).padStart(8)}  ${at3.toFixed(2).padStart(8)}`,
        );
      }
    }
  } finally {
    await embedder.close();
  }
}

/** The cost of the quality: texts embedded one call each, then all in one call. */
async function printThroughput(embedder: Embedder, texts: string[]): Promise<void> {
  let started = performance.now();
  for (const text of texts) await embedder.embed([text]);
  const single = (performance.now() - started) / texts.length;
  started = performance.now();
  await embedder.embed(texts);
  const batched = (performance.now() - started) / texts.length;
  console.log(
    `embedding: ${ms(single)} per text one by one, ${ms(batched)} per text in one call of ${texts.length}`,
  );
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
