/**
 * `npm run bench -- --smoke`: every section of the benchmark at a tiny size, to prove the harness works. Benchmarks
 * are not tests: nothing here checks a figure against a goal, only that every section ran and produced numbers.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import type { BenchReport } from "../../../bench/index.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

it("runs every section of the benchmark in its smoke mode", async () => {
  const dir = await mkdtemp(join(tmpdir(), "prompt-bench-smoke-"));
  try {
    const output = join(dir, "report.json");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "bench/index.ts", "--smoke", "--json", output],
      { cwd: ROOT, timeout: 420_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(await readFile(output, "utf8")) as BenchReport;
    expect(report.failed).toEqual({});
    expect(Object.keys(report.raw).sort()).toEqual(
      [
        "backlog",
        "contention",
        "embeddings",
        "export",
        "first-answer",
        "gateway",
        "idle-memory",
        "index-cache",
        "key-overhead",
        "load",
        "openai",
        "overhead",
        "search",
        "throughput",
        "vector-index",
        "websocket",
      ].sort(),
    );
    // One table with a row per measurement of the issue, each with a figure.
    for (const id of [
      "fair",
      "index",
      "embed",
      "(a)",
      "v1",
      "(b)",
      "(c)",
      "(d)",
      "(e)",
      "(f)",
      "(g)",
      "idle",
      "load",
      "keys",
      "export",
      "gateway",
    ]) {
      expect(report.rows.map((row) => row.id)).toContain(id);
    }
    for (const row of report.rows) expect(row.result, row.measurement).toMatch(/\d/);
    expect(report.raw.load?.errors).toBe(0);
    // The harnesses of the API-key, export and gateway sections: every line read, every call answered.
    expect(report.raw.export?.every((row) => row.lines === row.prompts && row.linesParsed)).toBe(true);
    expect(report.raw.gateway?.ours.successRate).toBe(1);
    expect(report.raw.websocket?.every((row) => row.missing === 0 && row.failedPosts === 0)).toBe(true);
    expect(stdout).toContain("| (a) |");
    expect(stdout).toContain(report.machine);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 480_000);
