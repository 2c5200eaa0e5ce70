/**
 * export (issue 25 §2): GET /api/prompts/export of one user's `prompts` prompts, read to the end by a client in this
 * process, from a server in a process of its own (api-target-main.ts, whose storage counts its statements), so that
 * its RSS (read from /proc every 20 ms) is the export's and its own. The prompts are seeded with one
 * INSERT … SELECT generate_series through the real storage's database before the server starts: the user's text,
 * an answer of about 540 characters, token counts, created_at one second apart. Their vectors are left out (the
 * export never reads them) and their embedding_model is set, so that the server's backlog drain does not spend the
 * measurement embedding them. An untimed export of another user's `warmupPrompts` runs first (JIT, code paths).
 * Then a second client reads `disconnectAfterLines` lines and goes away: the export's queries (one per batch of 500)
 * must stop, which the statement counter shows.
 */

import { loadavg } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { openEmbedded } from "../packages/server/src/storage/embedded.js";
import { migrate } from "../packages/server/src/storage/migrate.js";
import { openPostgres } from "../packages/server/src/storage/postgres.js";
import type { SqlExecutor } from "../packages/server/src/storage/sql.js";
import type { BenchRow } from "./index.js";
import { type ApiTarget, countOf, startApiTarget } from "./support/api-target.js";
import type { DataDirs } from "./support/data-dirs.js";
import { n, signed, verdict } from "./support/rows.js";
import { BUNDLED_MODEL_ID, seedUsers } from "./support/seed.js";
import { MB, round, sleep } from "./support/stats.js";

export interface ExportOptions {
  prompts: number;
  warmupPrompts: number;
  disconnectAfterLines: number;
  dataDirs: DataDirs;
  /** Unset: the embedded database (PGlite, in the server's process: its memory counts in the server's RSS). */
  databaseUrl?: string;
  schema?: string;
}

export interface ExportResult {
  storage: string;
  prompts: number;
  seedSeconds: number;
  /** Lines the client read, and whether each parsed as a JSON object with a prompt (first and last checked). */
  lines: number;
  linesParsed: boolean;
  bytes: number;
  seconds: number;
  linesPerSecond: number;
  /** The server's RSS just before the export (after the warm-up and a full GC), the most sampled during it. */
  rssBeforeMb: number;
  rssMaxMb: number;
  rssGrowthMb: number;
  rssSamples: number;
  /** Batch queries (500 prompts each) the full export ran. */
  batchQueries: number;
  /** The client that left early: lines read, and batch queries when it left, 0.5 s and 2 s later. */
  disconnect: {
    linesRead: number;
    queriesAtLeave: number;
    queriesAfter500ms: number;
    queriesAfter2s: number;
    /** Batch queries a whole export of this user takes. */
    queriesOfWholeExport: number;
  };
  loadAverage: [number, number];
}

/** The export's batch query (SqlPrompts.listOldestFirst), as the statement counter labels it. */
const BATCH_QUERY = "($2::timestamptz IS NULL OR (created_at, id) > ($2, $3)) ORDER BY created_at, id LIMIT";

export async function benchExport(options: ExportOptions): Promise<ExportResult> {
  const loadStart = round(loadavg()[0] ?? 0, 1);
  const dataDir = await options.dataDirs.withDatabase("export");
  const seedStarted = performance.now();
  const db = options.databaseUrl
    ? await openPostgres({
        connectionString: options.databaseUrl,
        ...(options.schema ? { schema: options.schema } : {}),
      })
    : await openEmbedded(join(dataDir, "pgdata"));
  let userId: number;
  let warmupUserId: number;
  try {
    await migrate(db);
    [userId, warmupUserId] = (await seedUsers(db, 2)) as [number, number];
    await seedHistory(db, userId, options.prompts);
    await seedHistory(db, warmupUserId, options.warmupPrompts);
  } finally {
    await db.close();
  }
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);

  const target = await startApiTarget({
    dataDir,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl, schema: options.schema } : {}),
    tokenUserIds: [userId, warmupUserId],
    // Several exports of one user in a few seconds: the default (2/min) would refuse the third.
    options: { exportRateLimits: "100/min" },
  });
  try {
    const [user, warmupUser] = target.users;
    if (!user || !warmupUser) throw new Error("the target minted no tokens");
    await readExport(target, warmupUser.token);

    const before = await target.memory(true);
    const queriesBefore = countOf(await target.queries(), BATCH_QUERY);
    let sampling = true;
    let rssMax = before.rss;
    let rssSamples = 0;
    const sampler = (async () => {
      while (sampling) {
        const rss = await target.rss();
        if (rss !== undefined) {
          rssMax = Math.max(rssMax, rss);
          rssSamples++;
        }
        await sleep(20);
      }
    })();
    const started = performance.now();
    const full = await readExport(target, user.token);
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const batchQueries = countOf(await target.queries(), BATCH_QUERY) - queriesBefore;

    // A client that leaves mid-export.
    const leaveBefore = countOf(await target.queries(), BATCH_QUERY);
    const left = await readExport(target, user.token, options.disconnectAfterLines);
    const queriesAt = async () => countOf(await target.queries(), BATCH_QUERY) - leaveBefore;
    const queriesAtLeave = await queriesAt();
    await sleep(500);
    const queriesAfter500ms = await queriesAt();
    await sleep(1500);
    const queriesAfter2s = await queriesAt();

    return {
      storage: options.databaseUrl ? "postgres" : "embedded",
      prompts: options.prompts,
      seedSeconds,
      lines: full.lines,
      linesParsed: full.parsed,
      bytes: full.bytes,
      seconds: round(seconds, 2),
      linesPerSecond: Math.round(full.lines / seconds),
      rssBeforeMb: round(before.rss / MB, 1),
      rssMaxMb: round(rssMax / MB, 1),
      rssGrowthMb: round((rssMax - before.rss) / MB, 1),
      rssSamples,
      batchQueries,
      disconnect: {
        linesRead: left.lines,
        queriesAtLeave,
        queriesAfter500ms,
        queriesAfter2s,
        queriesOfWholeExport: batchQueries,
      },
      loadAverage: [loadStart, round(loadavg()[0] ?? 0, 1)],
    };
  } finally {
    await target.stop();
  }
}

/** `count` prompts of `userId`, one statement. */
async function seedHistory(db: SqlExecutor, userId: number, count: number): Promise<void> {
  await db.query(
    `INSERT INTO prompts (user_id, prompt, response, model, embedding_model, created_at,
                          prompt_tokens, completion_tokens, tokens_estimated)
     SELECT $1::bigint,
            'how do I ' || left(md5((i * 7)::text), 12) || ' the ' || left(md5((i * 13)::text), 9) ||
              ' of my garden before winter, question ' || i || '?',
            'Here is an answer. ' || repeat(md5(i::text) || ' ', 16),
            'mock', $2::text, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second', 14, 160, true
       FROM generate_series(1, $3::int) AS i`,
    [userId, BUNDLED_MODEL_ID, count],
  );
}

/**
 * Reads GET /api/prompts/export to its end (or until `stopAfterLines` lines, then goes away), counting lines and
 * bytes; the first and last lines are parsed.
 */
async function readExport(
  target: ApiTarget,
  token: string,
  stopAfterLines?: number,
): Promise<{ lines: number; bytes: number; parsed: boolean }> {
  const controller = new AbortController();
  const response = await request(`${target.url}/api/prompts/export`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  if (response.statusCode !== 200) {
    throw new Error(`export answered ${response.statusCode}: ${(await response.body.text()).slice(0, 300)}`);
  }
  let lines = 0;
  let bytes = 0;
  let first = "";
  let tail = "";
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      if (first === "" || !first.includes("\n"))
        first += chunk.toString("utf8", 0, Math.min(chunk.length, 4096));
      tail = (tail + chunk.toString("utf8", Math.max(0, chunk.length - 4096))).slice(-8192);
      if (stopAfterLines !== undefined && lines >= stopAfterLines) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  const parses = (line: string | undefined) => {
    try {
      return typeof (JSON.parse(line ?? "") as { prompt?: unknown }).prompt === "string";
    } catch {
      return false;
    }
  };
  const lastLines = tail.split("\n").filter((line) => line !== "");
  const parsed = parses(first.split("\n")[0]) && (stopAfterLines !== undefined || parses(lastLines.at(-1)));
  return { lines, bytes, parsed };
}

export function exportRows(results: readonly ExportResult[]): BenchRow[] {
  return results.flatMap((result): BenchRow[] => {
    const leave = result.disconnect;
    const where = `${result.storage}; load average ${result.loadAverage.join(" → ")}`;
    return [
      {
        id: "export",
        measurement:
          `GET /api/prompts/export of ${n(result.prompts)} prompts of one user (${where}): the server's RSS ` +
          `${result.rssBeforeMb} MB before → at most ${result.rssMaxMb} MB (${n(result.rssSamples)} samples)`,
        result: `${signed(result.rssGrowthMb)} MB`,
        goal: "< 32 MB",
        verdict: verdict(result.rssGrowthMb < 32),
      },
      {
        id: "export",
        measurement:
          `its lines, read to the end by a client (${n(result.bytes / 1e6, 1)} MB in ${result.seconds} s, ` +
          `${n(result.batchQueries)} batch queries)`,
        result: `${n(result.lines)} lines, ${n(result.linesPerSecond)} lines/s`,
        goal: `${n(result.prompts)} lines`,
        verdict: verdict(result.lines === result.prompts && result.linesParsed),
      },
      {
        id: "export",
        measurement:
          `a client that leaves after ${n(leave.linesRead)} lines: the export's batch queries when it left → ` +
          `0.5 s → 2 s later (a whole export: ${n(leave.queriesOfWholeExport)})`,
        result: `${leave.queriesAtLeave} → ${leave.queriesAfter500ms} → ${leave.queriesAfter2s}`,
        goal: "stop",
        verdict: verdict(
          leave.queriesAfter2s === leave.queriesAtLeave && leave.queriesAtLeave < leave.queriesOfWholeExport,
        ),
      },
    ];
  });
}
