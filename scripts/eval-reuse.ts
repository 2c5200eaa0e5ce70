/**
 * `npm run eval:reuse [-- path/to/pairs.json]`: how often answer reuse (ANSWER_REUSE_MIN_SCORE) answers a question
 * from an earlier one it should not, and how often it reuses the answer it should.
 *
 * Each pair is an earlier and a later question of one user, labelled the same question (a paraphrase) or not (a near
 * miss: negation, antonym, number, named entity, or the same question about another thing, "topic"). The user's history is the earlier question among DISTRACTORS
 * others of the set in the same language; the later question is ranked against that history by the search's hybrid
 * ranking, with the embedder EMBEDDINGS names (default "bundled"), and reuse is decided as the server decides it
 * (see packages/server/src/prompts/reuse/answer-reuse.ts). Prints, per threshold, the false-reuse rate (near misses
 * answered from the history, with and without the question checks) and the reuse rate (paraphrases answered with
 * the earlier answer), and the threshold it recommends: the lowest that keeps false reuse at or under 1 %.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mayReuse } from "../packages/server/src/prompts/reuse/answer-reuse.js";
import { createEmbedder, type Embedder } from "../packages/server/src/similarity/embeddings/index.js";
import { LexicalIndex, rankHybrid } from "../packages/server/src/similarity/ranking/index.js";

export interface ReusePair {
  lang: "en" | "es";
  kind: "paraphrase" | "negation" | "antonym" | "number" | "entity";
  earlier: string;
  later: string;
  same: boolean;
}

/** What the later question of one pair found in its user's history. */
export interface PairOutcome {
  pair: ReusePair;
  /** The best match's score, and whether it is the pair's earlier question (rather than a distractor). */
  score: number;
  isEarlier: boolean;
  /** Whether the question checks let the best match be reused (the score aside). */
  checksPass: boolean;
}

export interface ThresholdRow {
  threshold: number;
  /** Near misses answered from the history, with the question checks and without them. */
  falseReuse: number;
  falseReuseWithoutChecks: number;
  /** Paraphrases answered with their earlier question's answer. */
  reuse: number;
  /** Paraphrases answered with another question's answer. */
  wrongAnswer: number;
}

const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REUSE_SET = resolve(REPOSITORY, "eval/answer-reuse/pairs.json");
/** Other questions in each user's history, so that the lexical statistics are those of a real history. */
const DISTRACTORS = 10;
export const THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
/** The false-reuse rate a recommended threshold must keep to. */
export const MAX_FALSE_REUSE = 0.01;

export async function readReusePairs(path = REUSE_SET): Promise<ReusePair[]> {
  return JSON.parse(await readFile(path, "utf8")) as ReusePair[];
}

/** Ranks each pair's later question against its user's history; thresholds are applied afterwards. */
export async function evaluateReuse(pairs: readonly ReusePair[], embedder: Embedder): Promise<PairOutcome[]> {
  const earlierVectors = await embedder.embed(pairs.map((pair) => pair.earlier));
  const laterVectors = await embedder.embed(pairs.map((pair) => pair.later));
  return pairs.map((pair, index) => {
    // The distractors: the next earlier questions of the same language, in the set's order.
    const sameLanguage = pairs.flatMap((other, position) =>
      other.lang === pair.lang && position !== index ? [position] : [],
    );
    const start = sameLanguage.findIndex((position) => position > index);
    const history = [
      index,
      ...[...sameLanguage.slice(start), ...sameLanguage.slice(0, start)].slice(0, DISTRACTORS),
    ];
    const candidates = history.map((position) => ({
      id: position,
      text: (pairs[position] as ReusePair).earlier,
      vector: earlierVectors[position] as Float32Array,
    }));
    const lexical = new LexicalIndex();
    for (const candidate of candidates) lexical.add(candidate.id, candidate.text);
    const [best] = rankHybrid(
      { text: pair.later, vector: laterVectors[index] as Float32Array },
      candidates,
      1,
      {
        lexical,
        denseLanguages: embedder.languages,
      },
    );
    const bestText = (pairs[best?.id ?? index] as ReusePair).earlier;
    return {
      pair,
      score: best?.score ?? 0,
      isEarlier: best?.id === index,
      checksPass: mayReuse({ prompt: bestText, score: 1 }, pair.later, 0),
    };
  });
}

export function rowsByThreshold(outcomes: readonly PairOutcome[], thresholds = THRESHOLDS): ThresholdRow[] {
  const nearMisses = outcomes.filter((outcome) => !outcome.pair.same);
  const paraphrases = outcomes.filter((outcome) => outcome.pair.same);
  const share = (selected: readonly PairOutcome[], total: number) => selected.length / total;
  return thresholds.map((threshold) => {
    const scored = (outcome: PairOutcome) => outcome.score >= threshold;
    const reused = (outcome: PairOutcome) => scored(outcome) && outcome.checksPass;
    return {
      threshold,
      falseReuse: share(nearMisses.filter(reused), nearMisses.length),
      falseReuseWithoutChecks: share(nearMisses.filter(scored), nearMisses.length),
      reuse: share(
        paraphrases.filter((outcome) => reused(outcome) && outcome.isEarlier),
        paraphrases.length,
      ),
      wrongAnswer: share(
        paraphrases.filter((outcome) => reused(outcome) && !outcome.isEarlier),
        paraphrases.length,
      ),
    };
  });
}

/** The lowest threshold whose false reuse stays within MAX_FALSE_REUSE: the most reuse that is still safe. */
export function recommendedThreshold(rows: readonly ThresholdRow[]): ThresholdRow | undefined {
  return rows.find((row) => row.falseReuse <= MAX_FALSE_REUSE);
}

async function main(): Promise<void> {
  const path = resolve(process.argv[2] ?? REUSE_SET);
  const spec = process.env.EMBEDDINGS ?? "bundled";
  const pairs = await readReusePairs(path);
  const embedder = await createEmbedder(spec, {
    openaiApiKey: process.env.OPENAI_API_KEY,
    openaiBaseUrl: process.env.OPENAI_BASE_URL,
  });
  try {
    const outcomes = await evaluateReuse(pairs, embedder);
    const paraphrases = pairs.filter((pair) => pair.same).length;
    console.log(
      `set: ${path} (${pairs.length} pairs: ${paraphrases} paraphrases, ${pairs.length - paraphrases} near misses)`,
    );
    console.log(`EMBEDDINGS=${spec}: ${embedder.id}\n`);
    console.log("threshold  false reuse  (without checks)  reuse  (another question's answer)");
    const rows = rowsByThreshold(outcomes);
    const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
    for (const row of rows) {
      console.log(
        `${row.threshold.toFixed(2).padStart(9)}  ${percent(row.falseReuse).padStart(11)}  ${percent(row.falseReuseWithoutChecks).padStart(16)}  ${percent(row.reuse).padStart(5)}  ${percent(row.wrongAnswer).padStart(26)}`,
      );
    }
    const recommended = recommendedThreshold(rows);
    console.log(
      recommended
        ? `\nrecommended ANSWER_REUSE_MIN_SCORE=${recommended.threshold}: false reuse ${percent(recommended.falseReuse)} (goal ≤ 1 %), reuse ${percent(recommended.reuse)} (goal ≥ 60 %)`
        : "\nno threshold keeps false reuse within 1 %",
    );
    if (recommended) {
      const reusedAt = (outcome: PairOutcome) => outcome.checksPass && outcome.score >= recommended.threshold;
      console.log("by kind at that threshold (pairs answered from the history / pairs):");
      for (const kind of [...new Set(pairs.map((pair) => pair.kind))]) {
        for (const lang of ["en", "es"] as const) {
          const selected = outcomes.filter(
            (outcome) => outcome.pair.kind === kind && outcome.pair.lang === lang,
          );
          if (selected.length > 0) {
            console.log(
              `  ${kind.padEnd(10)} ${lang}  ${selected.filter(reusedAt).length} / ${selected.length}`,
            );
          }
        }
      }
    }
    const missed = outcomes.filter(
      (outcome) => !outcome.pair.same && outcome.checksPass && outcome.score >= (recommended?.threshold ?? 1),
    );
    for (const outcome of missed) {
      console.log(`  reused a ${outcome.pair.kind}: "${outcome.pair.earlier}" → "${outcome.pair.later}"`);
    }
  } finally {
    await embedder.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
