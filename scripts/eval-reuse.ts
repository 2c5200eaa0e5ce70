/**
 * `npm run eval:reuse [-- tuning.json [held-out.json…]]`: how often answer reuse (ANSWER_REUSE_MIN_SCORE) answers a
 * question from an earlier one it should not, and how often it reuses the answer it should.
 *
 * Each pair is an earlier and a later question of one user, labelled the same question (a paraphrase) or not (a near
 * miss: negation, antonym, number, named entity, the same question about another thing, a relation reversed, a
 * qualifier only one has). The user's history is the earlier question among DISTRACTORS others of the set in the
 * same language; the later question is ranked against that history by the search's hybrid ranking, with the
 * embedder EMBEDDINGS names (default "bundled"), and reuse is decided as the server decides it (see
 * packages/server/src/prompts/reuse/answer-reuse.ts).
 *
 * The tuning set (eval/answer-reuse/pairs.json) is swept from 0 to 1: per threshold, the false-reuse rate (near
 * misses answered from the history, with and without the question checks) and the reuse rate (paraphrases answered
 * with the earlier answer), and the threshold it recommends (see recommendedThreshold). The
 * held-out sets (HELD_OUT_SETS) are then measured at that threshold only: they are reported, never tuned on.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadConfig, resolveOptions } from "../packages/server/src/config.js";
import { mayReuse } from "../packages/server/src/prompts/reuse/answer-reuse.js";
import {
  type QuestionDifference,
  questionDifferences,
} from "../packages/server/src/prompts/reuse/same-question.js";
import { createEmbedder, type Embedder } from "../packages/server/src/similarity/embeddings/index.js";
import { LexicalIndex, rankHybrid } from "../packages/server/src/similarity/ranking/index.js";

export interface ReusePair {
  lang: "en" | "es";
  kind: "paraphrase" | "negation" | "antonym" | "number" | "entity" | "topic" | "order" | "qualifier";
  earlier: string;
  later: string;
  same: boolean;
}

/** What the later question of one pair found in its user's history. */
export interface PairOutcome {
  pair: ReusePair;
  /** The best match's text and score, and whether it is the pair's earlier question (rather than a distractor). */
  matched: string;
  score: number;
  isEarlier: boolean;
  /** Whether the question checks let the best match be reused (the score aside). */
  checksPass: boolean;
  /** Every question check that tells the best match from the later question (none when checksPass). */
  differences: QuestionDifference[];
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
/** Sets written apart from the checks and from pairs.json: see eval/answer-reuse/README.md. */
export const HELD_OUT_SETS = ["held-out.json", "written-apart.json"].map((name) =>
  resolve(REPOSITORY, "eval/answer-reuse", name),
);
/** Other questions in each user's history, so that the lexical statistics are those of a real history. */
const DISTRACTORS = 10;
/** 0 to 1 in steps of 0.05. */
export const THRESHOLDS = Array.from({ length: 21 }, (_, step) => step / 20);
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
      matched: bestText,
      score: best?.score ?? 0,
      isEarlier: best?.id === index,
      checksPass: mayReuse({ prompt: bestText, score: 1 }, pair.later, 0),
      differences: questionDifferences(bestText, pair.later),
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

/**
 * The threshold with the most reuse at which neither near misses nor paraphrases get another question's answer more
 * often than MAX_FALSE_REUSE; of thresholds with that same reuse, the highest, since a higher one can only be safer
 * on questions the set does not hold.
 */
export function recommendedThreshold(rows: readonly ThresholdRow[]): ThresholdRow | undefined {
  const safe = rows.filter((row) => row.falseReuse <= MAX_FALSE_REUSE && row.wrongAnswer <= MAX_FALSE_REUSE);
  const most = Math.max(...safe.map((row) => row.reuse));
  return safe.findLast((row) => row.reuse === most);
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function printSweep(rows: readonly ThresholdRow[]): void {
  console.log("threshold  false reuse  (without checks)  reuse  (another question's answer)");
  for (const row of rows) {
    console.log(
      `${row.threshold.toFixed(2).padStart(9)}  ${percent(row.falseReuse).padStart(11)}  ${percent(row.falseReuseWithoutChecks).padStart(16)}  ${percent(row.reuse).padStart(5)}  ${percent(row.wrongAnswer).padStart(26)}`,
    );
  }
}

/** One set's figures at a threshold, by kind and language, and the near misses it reused. */
function printAt(path: string, outcomes: readonly PairOutcome[], threshold: number): void {
  const [row] = rowsByThreshold(outcomes, [threshold]);
  if (!row) return;
  const paraphrases = outcomes.filter((outcome) => outcome.pair.same).length;
  console.log(
    `\n${path} (${outcomes.length} pairs: ${paraphrases} paraphrases, ${outcomes.length - paraphrases} near misses) at ${threshold}:`,
  );
  console.log(
    `  false reuse ${percent(row.falseReuse)} (goal ≤ 1 %), reuse ${percent(row.reuse)} (goal ≥ 60 %), another question's answer ${percent(row.wrongAnswer)}`,
  );
  const reusedAt = (outcome: PairOutcome) => outcome.checksPass && outcome.score >= threshold;
  const kinds = [...new Set(outcomes.map((outcome) => outcome.pair.kind))];
  const counts = kinds.flatMap((kind) =>
    (["en", "es"] as const).flatMap((lang) => {
      const selected = outcomes.filter((outcome) => outcome.pair.kind === kind && outcome.pair.lang === lang);
      return selected.length > 0
        ? [`${kind} ${lang} ${selected.filter(reusedAt).length}/${selected.length}`]
        : [];
    }),
  );
  console.log(`  answered from the history, by kind: ${counts.join(", ")}`);
  for (const outcome of outcomes.filter((outcome) => !outcome.pair.same && reusedAt(outcome))) {
    console.log(`  reused a ${outcome.pair.kind}: "${outcome.pair.earlier}" → "${outcome.pair.later}"`);
  }
}

export interface CheckCount {
  check: QuestionDifference;
  /** Paraphrases found (their own earlier question, scoring at the threshold) that the check refuses: first of the
   * checks that do, and alone. */
  paraphrasesRefused: number;
  paraphrasesRefusedAlone: number;
  /** Near misses scoring at the threshold that the check blocks: first of the checks that do, and alone (without
   * it they would be reused). */
  nearMissesBlocked: number;
  nearMissesBlockedAlone: number;
}

/** Per question check, what it costs (paraphrases it refuses) and what it saves (near misses it blocks). */
export function countsByCheck(outcomes: readonly PairOutcome[], threshold: number): CheckCount[] {
  const counts = new Map<QuestionDifference, CheckCount>();
  const countOf = (check: QuestionDifference) => {
    const count = counts.get(check) ?? {
      check,
      paraphrasesRefused: 0,
      paraphrasesRefusedAlone: 0,
      nearMissesBlocked: 0,
      nearMissesBlockedAlone: 0,
    };
    counts.set(check, count);
    return count;
  };
  for (const outcome of outcomes) {
    const [first] = outcome.differences;
    if (first === undefined || outcome.score < threshold) continue;
    const alone = outcome.differences.length === 1;
    if (outcome.pair.same && outcome.isEarlier) {
      countOf(first).paraphrasesRefused++;
      if (alone) countOf(first).paraphrasesRefusedAlone++;
    } else if (!outcome.pair.same) {
      countOf(first).nearMissesBlocked++;
      if (alone) countOf(first).nearMissesBlockedAlone++;
    }
  }
  return [...counts.values()];
}

function printChecks(outcomes: readonly PairOutcome[], threshold: number): void {
  const paraphrases = outcomes.filter((outcome) => outcome.pair.same).length;
  console.log(
    `  per check at ${threshold} (first check that refuses / the only one): paraphrases refused of ${paraphrases}, near misses blocked of ${outcomes.length - paraphrases}`,
  );
  for (const count of countsByCheck(outcomes, threshold)) {
    console.log(
      `  ${count.check.padEnd(10)}  paraphrases refused ${String(count.paraphrasesRefused).padStart(3)} / ${String(count.paraphrasesRefusedAlone).padStart(3)}  near misses blocked ${String(count.nearMissesBlocked).padStart(3)} / ${String(count.nearMissesBlockedAlone).padStart(3)}`,
    );
  }
}

async function main(): Promise<void> {
  const [tuning = REUSE_SET, ...heldOut] = process.argv.slice(2).map((path) => resolve(path));
  const spec = process.env.EMBEDDINGS ?? "bundled";
  const embedder = await createEmbedder(spec, {
    // OPENAI_API_KEY, OPENAI_BASE_URL and LLM_TIMEOUT as the server reads them, defaults included.
    openai: resolveOptions(loadConfig().options),
  });
  try {
    const outcomes = await evaluateReuse(await readReusePairs(tuning), embedder);
    console.log(`EMBEDDINGS=${spec}: ${embedder.id}\ntuning set: ${tuning}\n`);
    const rows = rowsByThreshold(outcomes);
    printSweep(rows);
    const recommended = recommendedThreshold(rows);
    if (!recommended) {
      console.log("\nno threshold keeps false reuse within 1 % on the tuning set");
      return;
    }
    console.log(
      `\nrecommended ANSWER_REUSE_MIN_SCORE=${recommended.threshold} (chosen on the tuning set alone)`,
    );
    printAt(tuning, outcomes, recommended.threshold);
    // The tuning set only: the held-out sets give their final figures and nothing to tune on.
    printChecks(outcomes, recommended.threshold);
    for (const path of heldOut.length > 0 ? heldOut : HELD_OUT_SETS) {
      printAt(path, await evaluateReuse(await readReusePairs(path), embedder), recommended.threshold);
    }
  } finally {
    await embedder.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
