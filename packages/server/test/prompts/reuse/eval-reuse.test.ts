import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  evaluateReuse,
  HELD_OUT_SETS,
  readReusePairs,
  recommendedThreshold,
  rowsByThreshold,
  THRESHOLDS,
} from "../../../../../scripts/eval-reuse.js";
import { BundledEmbedder, type Embedder } from "../../../src/similarity/embeddings/index.js";

/**
 * `npm run eval:reuse`: the threshold is chosen on pairs.json alone, by the sweep; the held-out sets, written apart
 * from the checks and never tuned on, are judged at that threshold against the goals. False reuse meets its
 * goal (≤ 1 %) and is asserted as the goal. Reuse of paraphrases misses its goal of 60 % (48.0 % and 47.5 %, see
 * BENCHMARKS.md): it is asserted at the measured figure, so that a change that loses reuse fails; the goal's miss is
 * reported by the eval script and BENCHMARKS.md, not by a test that cannot pass.
 */
describe("answer reuse on the held-out sets, at the threshold the tuning set recommends (npm run eval:reuse)", () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await BundledEmbedder.load();
  });
  afterAll(() => embedder.close());

  it("sweeps thresholds from 0 to 1", () => {
    expect(THRESHOLDS[0]).toBe(0);
    expect(THRESHOLDS.at(-1)).toBe(1);
  });

  it("keeps false reuse within 1 % on every held-out set, and says so in the settings table", async () => {
    const recommended = recommendedThreshold(
      rowsByThreshold(await evaluateReuse(await readReusePairs(), embedder)),
    );
    expect(recommended).toBeDefined();
    const threshold = recommended?.threshold ?? 1;
    // Measured with the bundled model (deterministic): 24 of 50 and 38 of 80 paraphrases reused.
    const measuredFloor: Record<string, number> = { "held-out.json": 0.48, "written-apart.json": 0.475 };
    for (const path of HELD_OUT_SETS) {
      const [row] = rowsByThreshold(await evaluateReuse(await readReusePairs(path), embedder), [threshold]);
      expect(row?.falseReuse, path).toBeLessThanOrEqual(0.01);
      expect(row?.wrongAnswer, path).toBeLessThanOrEqual(0.01);
      expect(row?.reuse, path).toBeGreaterThanOrEqual(measuredFloor[path.split("/").at(-1) ?? ""] ?? 0.6);
    }
    // What the setting's description tells users is what the sweep recommends.
    const table = await readFile(new URL("../../../src/settings/table.ts", import.meta.url), "utf8");
    expect(table).toContain(`\`${threshold}\` is what \`npm run eval:reuse\` recommends`);
  }, 180_000);
});
