/**
 * `npm run bench [-- --smoke] [--only overhead,search,…] [--json results.json]`: every measurement of the
 * performance issue in one run, printed as one table with the goals beside the figures. Ratios are taken against a
 * baseline measured in the same run (a bare Fastify route, the embedding model alone), so they hold on a noisy
 * machine better than absolute figures do. `--smoke` runs every section at a tiny size, to prove the harness works
 * (CI runs it through packages/server/test/bench-smoke.test.ts); its figures mean nothing.
 *
 * Needs PostgreSQL and Redis for the WebSocket section (TEST_DATABASE_URL, TEST_REDIS_URL; see .ci/run), and builds
 * on faiss when scripts/build-faiss.sh has built it. Results are kept in BENCHMARKS.md.
 */
import { writeFile } from "node:fs/promises";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createTestSchema } from "../packages/testkit/src/services.js";
import { type BacklogOptions, type BacklogResult, backlogRows, benchBacklog } from "./backlog.js";
import { benchContention, type ContentionResult } from "./contention.js";
import { benchEmbeddings, type EmbeddingBenchResult } from "./embeddings.js";
import { benchExport, type ExportOptions, type ExportResult, exportRows } from "./export.js";
import { benchFirstAnswer, type FirstAnswerRow } from "./first-answer.js";
import { benchGateway, type GatewayOptions, type GatewayResult, gatewayRows } from "./gateway.js";
import { benchIdleMemory, type IdleMemoryResult, idleMemoryRows } from "./idle-memory.js";
import { benchIndexCache, type IndexCacheBenchOptions, type IndexCacheResult } from "./index-cache.js";
import { benchKeyOverhead, type KeyOverheadResult, keyOverheadRows } from "./key-overhead.js";
import { benchLoad, type LoadResult } from "./load.js";
import { benchOpenAiOverhead, type OpenAiOverheadResult } from "./openai-overhead.js";
import { benchOverhead, type OverheadResult } from "./overhead.js";
import { benchPromptThroughput, type PromptThroughputResult } from "./prompt-throughput.js";
import { benchSearch, type SearchBenchResult } from "./search.js";
import { DataDirs } from "./support/data-dirs.js";
import { MB, round } from "./support/stats.js";
import { benchVectorIndex, type VectorIndexBenchRow } from "./vector-index.bench.js";
import { benchWebsocketLatency, type WebsocketLatencyRow } from "./websocket-latency.js";

export const SECTIONS = [
  "contention",
  "vector-index",
  "embeddings",
  "overhead",
  "openai",
  "throughput",
  "search",
  "index-cache",
  "websocket",
  "first-answer",
  "idle-memory",
  "load",
  "key-overhead",
  "export",
  "gateway",
  "backlog",
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchRow {
  /** The letter, or a short tag. */
  id: string;
  measurement: string;
  result: string;
  goal: string;
  /** "meets", "misses", or "" when there is no goal. */
  verdict: "meets" | "misses" | "";
}

export interface BenchReport {
  date: string;
  machine: string;
  smoke: boolean;
  seconds: number;
  rows: BenchRow[];
  /** Every section's raw result, for BENCHMARKS.md and the smoke test. */
  raw: Results;
  /** Sections that could not run, with the reason. */
  failed: Partial<Record<Section, string>>;
}

interface Sizes {
  contention: { flooders: number; perFlooder: number; seconds: number };
  vectorIndex: { sizes: number[]; queries: number };
  embeddings: { texts: number; rounds: number; concurrency: number };
  overhead: { rounds: number; seconds: number; connections: number; postgres: boolean };
  openai: { rounds: number; seconds: number; connections: number };
  /** `users` is the most; fewer when the model is slow (see the throughput section). */
  throughput: { users: number; seconds: number; warmupSeconds: number; spacingMs: number };
  search: { sizes: number[]; queries: number };
  indexCache: Omit<IndexCacheBenchOptions, "dataDirs">;
  websocket: { sockets: number; socketsPerUser: number; posts: number; postsPerSecond: number };
  idleMemory: { idleSeconds: number; built: boolean };
  load: { seconds: number; rate: number; users: number; connections: number };
  keyOverhead: { rounds: number; seconds: number; connections: number; postgres: boolean };
  export: Omit<ExportOptions, "dataDirs" | "databaseUrl" | "schema"> & { postgres: boolean };
  gateway: Omit<GatewayOptions, "dataDirs" | "databaseUrl" | "schema">;
  backlog: Omit<BacklogOptions, "dataDirs">;
}

const FULL: Sizes = {
  contention: { flooders: 16, perFlooder: 4, seconds: 20 },
  vectorIndex: { sizes: [1_000, 10_000, 100_000], queries: 200 },
  embeddings: { texts: 320, rounds: 2, concurrency: 64 },
  overhead: { rounds: 2, seconds: 4, connections: 50, postgres: true },
  openai: { rounds: 3, seconds: 4, connections: 20 },
  throughput: { users: 400, seconds: 10, warmupSeconds: 2, spacingMs: 1500 },
  search: { sizes: [100, 2_000, 10_000, 100_000], queries: 200 },
  indexCache: {
    users: 4_000,
    searchers: 1_000,
    smallBudget: "16MB",
    largeUsers: 3,
    largeUserPrompts: 2_000,
    searches: 60,
    totalPrompts: 100_000,
  },
  websocket: { sockets: 1_000, socketsPerUser: 10, posts: 300, postsPerSecond: 20 },
  idleMemory: { idleSeconds: 10, built: true },
  load: { seconds: 60, rate: 50, users: 50, connections: 20 },
  keyOverhead: { rounds: 2, seconds: 4, connections: 50, postgres: true },
  export: { prompts: 100_000, warmupPrompts: 2_000, disconnectAfterLines: 20_000, postgres: true },
  gateway: {
    // BENCH_GATEWAY_CLIENTS, BENCH_GATEWAY_SECONDS: the same section at another size (to find where it breaks).
    clients: Number(process.env.BENCH_GATEWAY_CLIENTS ?? 500),
    seconds: Number(process.env.BENCH_GATEWAY_SECONDS ?? 60),
    warmupSeconds: 10,
    upstreamDelayMs: 200,
    searchableWithinSeconds: 300,
  },
  backlog: { users: 20, seconds: 20, drainLimitSeconds: 300, modelAloneBatches: 8 },
};

const SMOKE: Sizes = {
  contention: { flooders: 2, perFlooder: 1, seconds: 1 },
  vectorIndex: { sizes: [500], queries: 20 },
  embeddings: { texts: 16, rounds: 1, concurrency: 8 },
  overhead: { rounds: 1, seconds: 0.5, connections: 10, postgres: false },
  openai: { rounds: 1, seconds: 0.5, connections: 4 },
  throughput: { users: 10, seconds: 2, warmupSeconds: 0.5, spacingMs: 1100 },
  search: { sizes: [100, 200], queries: 10 },
  indexCache: {
    users: 40,
    searchers: 10,
    smallBudget: "16MB",
    largeUsers: 3,
    largeUserPrompts: 50,
    searches: 6,
    totalPrompts: 400,
  },
  websocket: { sockets: 20, socketsPerUser: 2, posts: 6, postsPerSecond: 5 },
  idleMemory: { idleSeconds: 1, built: false },
  load: { seconds: 2, rate: 20, users: 5, connections: 4 },
  keyOverhead: { rounds: 1, seconds: 0.5, connections: 10, postgres: false },
  export: { prompts: 1_000, warmupPrompts: 100, disconnectAfterLines: 100, postgres: false },
  gateway: { clients: 5, seconds: 2, warmupSeconds: 1, upstreamDelayMs: 200, searchableWithinSeconds: 60 },
  backlog: { users: 4, seconds: 2, drainLimitSeconds: 3, modelAloneBatches: 1 },
};

export function describeMachine(): string {
  const cpu = cpus();
  return (
    `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / MB / 1024)} GB RAM, ` +
    `${platform()} ${release()} ${arch()}, Node ${process.version}, ` +
    `load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(" ")} at start`
  );
}

/** Growth of the heap (after GC) over the load run that still counts as flat: the stored prompts take some. */
const FLAT_HEAP_MB = 20;

const verdict = (meets: boolean): BenchRow["verdict"] => (meets ? "meets" : "misses");
const n = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits });

export async function runBench(options: {
  smoke: boolean;
  only?: readonly Section[];
  log?: (line: string) => void;
}): Promise<BenchReport> {
  const sizes = options.smoke ? SMOKE : FULL;
  const selected = new Set<Section>(options.only?.length ? options.only : SECTIONS);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    smoke: options.smoke,
    seconds: 0,
    rows: [],
    raw: {},
    failed: {},
  };
  const dataDirs = new DataDirs();
  const raw: Results = {};

  async function run<Name extends Section>(name: Name, work: () => Promise<Results[Name]>): Promise<void> {
    if (!selected.has(name)) return;
    const sectionStarted = performance.now();
    log(`bench: ${name}…`);
    try {
      raw[name] = await work();
      log(`bench: ${name} done in ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s`);
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report.failed[name] = reason;
      log(`bench: ${name} failed: ${reason}`);
    }
  }

  const sections: Array<() => Promise<void>> = [
    () => run("contention", () => benchContention({ ...sizes.contention, dataDirs })),
    () => run("vector-index", () => benchVectorIndex({ ...sizes.vectorIndex, dims: 512 })),
    () => run("embeddings", () => benchEmbeddings(sizes.embeddings)),
    () =>
      run("overhead", async () => {
        const results = [await benchOverhead({ ...sizes.overhead, dataDirs })];
        if (sizes.overhead.postgres) {
          const schema = await createTestSchema("bench");
          try {
            results.push(
              await benchOverhead({
                ...sizes.overhead,
                dataDirs,
                databaseUrl: schema.databaseUrl,
                schema: schema.name,
              }),
            );
          } finally {
            await schema.drop();
          }
        }
        return results;
      }),
    () => run("openai", () => benchOpenAiOverhead({ ...sizes.openai, dataDirs })),
    () =>
      run("throughput", () => {
        // Enough users to offer about twice what the model can embed: saturated, not swamped (the deeper the queue,
        // the longer each request waits, for nothing).
        const limit = raw.embeddings?.batchedPerSecond;
        const users = limit
          ? Math.min(
              sizes.throughput.users,
              Math.max(10, Math.ceil((2 * limit * sizes.throughput.spacingMs) / 1000)),
            )
          : sizes.throughput.users;
        return benchPromptThroughput({ ...sizes.throughput, users, dataDirs });
      }),
    () => run("search", () => benchSearch({ ...sizes.search, dataDirs })),
    () => run("index-cache", () => benchIndexCache({ ...sizes.indexCache, dataDirs })),
    () => run("websocket", () => benchWebsocketLatency({ ...sizes.websocket, dataDirs })),
    () => run("first-answer", () => benchFirstAnswer({ dataDirs, fresh: !options.smoke })),
    () => run("idle-memory", () => benchIdleMemory({ ...sizes.idleMemory, dataDirs })),
    () => run("load", () => benchLoad({ ...sizes.load, dataDirs })),
    () =>
      run("key-overhead", () => {
        const { postgres, ...keyOverhead } = sizes.keyOverhead;
        return embeddedThenPostgres(postgres, (db) => benchKeyOverhead({ ...keyOverhead, dataDirs, ...db }));
      }),
    () =>
      run("export", () => {
        const { postgres, ...exportSizes } = sizes.export;
        return embeddedThenPostgres(postgres, (db) => benchExport({ ...exportSizes, dataDirs, ...db }));
      }),
    () => run("gateway", () => onPostgres((db) => benchGateway({ ...sizes.gateway, dataDirs, ...db }))),
    () => run("backlog", () => benchBacklog({ ...sizes.backlog, dataDirs })),
  ];
  try {
    // One at a time, so that measurements do not disturb each other (running the smoke sections at once is no
    // quicker on a small machine: they fight over its CPUs).
    for (const start of sections) await start();
  } finally {
    await dataDirs.removeAll();
  }
  report.raw = raw;
  report.rows = tableRows(raw, sizes);
  for (const [name, reason] of Object.entries(report.failed)) {
    report.rows.push({
      id: name,
      measurement: `${name}: could not run`,
      result: reason.split("\n")[0] ?? "",
      goal: "",
      verdict: "misses",
    });
  }
  report.seconds = round((performance.now() - started) / 1000, 1);
  return report;
}

/** What each section returned; absent when it was not selected or failed. */
export interface Results {
  contention?: ContentionResult;
  "vector-index"?: VectorIndexBenchRow[];
  embeddings?: EmbeddingBenchResult;
  overhead?: OverheadResult[];
  openai?: OpenAiOverheadResult;
  throughput?: PromptThroughputResult;
  search?: SearchBenchResult;
  "index-cache"?: IndexCacheResult;
  websocket?: WebsocketLatencyRow[];
  "first-answer"?: FirstAnswerRow[];
  "idle-memory"?: IdleMemoryResult;
  load?: LoadResult;
  "key-overhead"?: KeyOverheadResult[];
  export?: ExportResult[];
  gateway?: GatewayResult;
  backlog?: BacklogResult;
}

function tableRows(raw: Results, sizes: Sizes): BenchRow[] {
  const rows: BenchRow[] = [];
  const contention = raw.contention;
  if (contention) {
    const { quiet, flooded } = contention;
    const flood = `${sizes.contention.flooders} users flooding similarity search with ~1,500-character queries`;
    rows.push({
      id: "fair",
      measurement: `another user's GET /api/auth/me/ p99, quiet → while ${flood}`,
      result: `${quiet.meP99Ms} → ${flooded.meP99Ms} ms`,
      goal: "≤ 100 ms",
      verdict: verdict(flooded.meP99Ms <= 100),
    });
    rows.push({
      id: "fair",
      measurement: `its POST /api/prompts p99, quiet → flooded (${flooded.posts} posts, ${flooded.failedPosts} not 201)`,
      result: `${quiet.postP99Ms} → ${flooded.postP99Ms} ms`,
      goal: "≤ 1,500 ms",
      verdict: verdict(flooded.postP99Ms <= 1_500 && flooded.failedPosts === 0),
    });
    rows.push({
      id: "fair",
      measurement: `its POST → prompt.message p99, quiet → flooded (${flooded.missingEvents} missing)`,
      result: `${quiet.eventP99Ms} → ${flooded.eventP99Ms} ms`,
      goal: "≤ 150 ms",
      verdict: verdict(flooded.eventP99Ms <= 150 && flooded.missingEvents === 0),
    });
    const statuses = Object.entries(contention.floodStatuses)
      .map(([status, count]) => `${status}: ${n(count)}`)
      .join(", ");
    rows.push({
      id: "fair",
      measurement: `the flood's ${n(contention.floodSearches)} searches were answered`,
      result: statuses,
      goal: "only 200, 429, 503",
      verdict: verdict(
        Object.keys(contention.floodStatuses).every((status) => ["200", "429", "503"].includes(status)),
      ),
    });
  }
  const vectors = raw["vector-index"] ?? [];
  for (const row of vectors) {
    rows.push({
      id: "index",
      measurement: `vector search, ${row.adapter}, ${n(row.vectors)} ${row.data} vectors of one user (512 dims), p50 / p99 (the user loaded at once in ${row.loadMs} ms)`,
      result: `${row.p50Ms} / ${row.p99Ms} ms (recall@5 ${row.recallAt5})`,
      goal: "",
      verdict: "",
    });
  }
  const largest = Math.max(...vectors.map((row) => row.vectors));
  for (const row of vectors.filter((row) => row.vectors === largest)) {
    rows.push({
      id: "index",
      measurement: `memory per stored vector, ${row.adapter} (${n(row.vectors)} ${row.data} vectors)`,
      result: `${n(row.bytesPerVector)} bytes`,
      goal: "",
      verdict: "",
    });
  }

  const embeddings = raw.embeddings;
  if (embeddings) {
    rows.push({
      id: "embed",
      measurement:
        `embedding throughput (${embeddings.model}), single calls → micro-batched ` +
        `(FairScheduler over the worker pool, ${sizes.embeddings.concurrency} concurrent users)`,
      result: `${n(embeddings.singlePerSecond, 1)} → ${n(embeddings.microBatchedPerSecond, 1)} texts/s = ${embeddings.speedup}×`,
      goal: "≥ 2.5×",
      verdict: verdict(embeddings.speedup >= 2.5),
    });
    rows.push({
      id: "embed",
      measurement: "embedding throughput of the model alone, batches of 32 (the limit of (b))",
      result: `${n(embeddings.batchedPerSecond, 1)} texts/s`,
      goal: "",
      verdict: "",
    });
  }

  for (const result of raw.overhead ?? []) {
    rows.push({
      id: "(a)",
      measurement: `GET /api/auth/me/ ÷ bare Fastify hello, same process (${result.storage})`,
      result: `${n(result.mePerSecond)} ÷ ${n(result.helloPerSecond)} req/s = ${result.ratio}`,
      goal: "≥ 0.5",
      verdict: verdict(result.ratio >= 0.5 && result.failures === 0),
    });
    rows.push({
      id: "(a)",
      measurement: `GET /healthz (service stack, no auth, no database) ÷ bare hello (${result.storage})`,
      result: `${n(result.healthzPerSecond)} ÷ ${n(result.helloPerSecond)} req/s = ${result.healthzRatio}`,
      goal: "",
      verdict: "",
    });
  }

  const openai = raw.openai;
  if (openai) {
    rows.push({
      id: "v1",
      measurement:
        `POST /v1/chat/completions ÷ POST /api/prompts, mock model, ${sizes.openai.connections} connections ` +
        `(p50 ${openai.completionsP50Ms} / ${openai.promptsP50Ms} ms; ${openai.failures} failures)`,
      result: `${n(openai.completionsPerSecond)} ÷ ${n(openai.promptsPerSecond)} req/s = ${openai.ratio}`,
      goal: "≥ 0.9",
      verdict: verdict(openai.ratio >= 0.9 && openai.failures === 0),
    });
  }

  const throughput = raw.throughput;
  if (throughput) {
    const limit = embeddings?.batchedPerSecond;
    const ratio = limit ? round(throughput.perSecond / limit) : undefined;
    rows.push({
      id: "(b)",
      measurement:
        `POST /api/prompts until searchable, mock LLM, ${throughput.users} users within 1/s,10/min ÷ model alone ` +
        `batched (POST p50 ${n(throughput.latencyP50Ms)} ms; last vector ${throughput.searchableLagSeconds} s after ` +
        `the last 201; ${throughput.throttled} 429s, ${throughput.failures} failures)`,
      result: `${n(throughput.perSecond, 1)} ÷ ${limit ? n(limit, 1) : "?"} /s = ${ratio ?? "n/a"}`,
      goal: "≥ 0.7",
      verdict: ratio === undefined ? "" : verdict(ratio >= 0.7 && throughput.failures === 0),
    });
  }

  const search = raw.search;
  for (const row of search?.rows ?? []) {
    rows.push({
      id: "(c)",
      measurement: `GET /api/prompts/similar, ${n(row.prompts)} prompts of one user (${row.vectorIndex}), p50 / p99`,
      result: `${row.p50Ms} / ${row.p99Ms} ms`,
      goal: "",
      verdict: "",
    });
  }
  const small = search?.rows.find((row) => row.prompts === 100);
  const medium = search?.rows.find((row) => row.prompts === 2_000);
  if (small && medium) {
    const ratio = round(medium.p50Ms / small.p50Ms);
    rows.push({
      id: "(c)",
      measurement: `similar search p50 at 2,000 prompts of one user, and ÷ its p50 at 100`,
      result: `${medium.p50Ms} ms, ${ratio}×`,
      goal: "≤ 25 ms, ≤ 1.5×",
      verdict: verdict(medium.p50Ms <= 25 && ratio <= 1.5),
    });
  }
  if (search) {
    const detail = search.rows.map((row) => `${n(row.rssMb)} MB at ${n(row.prompts)}`).join(", ");
    rows.push({
      id: "(e)",
      measurement: `resident memory per 100k stored prompts (RSS ${detail})`,
      result: search.rssMbPer100k === undefined ? "n/a (one size)" : `${n(search.rssMbPer100k)} MB`,
      goal: "",
      verdict: "",
    });
    for (const row of search.rows) {
      rows.push({
        id: "(e)",
        measurement: `start-up on ${n(row.prompts)} prompts of one user (embedded database)`,
        result: `${n(row.startupMs / 1000, 1)} s`,
        goal: "",
        verdict: "",
      });
    }
  }

  const cache = raw["index-cache"];
  if (cache) rows.push(...indexCacheRows(cache));

  for (const row of raw.websocket ?? []) {
    const goal = row.setup === "one instance" ? 50 : 100;
    rows.push({
      id: "(d)",
      measurement:
        `POST → prompt.message, ${n(row.sockets)} sockets, ${row.setup}, p50 / p99 ` +
        `(${row.missing} missing, ${row.failedPosts} failed posts)`,
      result: `${row.p50Ms} / ${row.p99Ms} ms`,
      goal: `p99 ≤ ${goal} ms`,
      verdict: verdict(row.p99Ms <= goal && row.missing === 0 && row.failedPosts === 0),
    });
  }

  for (const row of raw["first-answer"] ?? []) {
    const built = row.start.startsWith("built");
    // Issue 23: a new DATA_DIR loads the shipped database template instead of running initdb.
    const goalMs = row.start.includes("restart") ? 1_500 : 2_000;
    rows.push({
      id: "(f)",
      measurement: built
        ? `start → first /metrics 200, ${row.start.replace(", to /metrics 200", "")}`
        : `start → first answer, embedded defaults, ${row.start} (listening after ${n(row.listeningMs)} ms)`,
      result: `${n(row.firstAnswerMs / 1000, 2)} s`,
      goal: built ? `≤ ${goalMs / 1000} s` : "",
      verdict: built ? verdict(row.firstAnswerMs <= goalMs) : "",
    });
  }

  if (raw["idle-memory"]) rows.push(...idleMemoryRows(raw["idle-memory"]));

  const load = raw.load;
  if (load) {
    const statuses = Object.entries(load.statuses)
      .map(([status, count]) => `${status}: ${n(count)}`)
      .join(", ");
    const heapGrowth = round(load.heapEndMb - load.heapStartMb, 1);
    rows.push({
      id: "load",
      measurement: `${load.seconds} s at ${load.rate} req/s, mixed routes (${statuses})`,
      result: `${load.errors} errors`,
      goal: "no errors but 429s",
      verdict: verdict(load.errors === 0),
    });
    rows.push({
      id: "load",
      measurement:
        `memory over the load run: heap after GC ${load.heapStartMb} → ${load.heapEndMb} MB, ` +
        `RSS ${load.rssStartMb} → ${load.rssEndMb} MB (max ${load.rssMaxMb})`,
      result: `heap ${heapGrowth >= 0 ? "+" : ""}${heapGrowth} MB`,
      goal: "flat",
      verdict: verdict(heapGrowth < FLAT_HEAP_MB),
    });
  }
  if (raw["key-overhead"]) rows.push(...keyOverheadRows(raw["key-overhead"]));
  if (raw.export) rows.push(...exportRows(raw.export));
  if (raw.gateway) rows.push(...gatewayRows(raw.gateway));
  if (raw.backlog) rows.push(...backlogRows(raw.backlog));
  return rows;
}

/** (g): what idle and resident users cost, against the same server on an empty PostgreSQL database. */
function indexCacheRows(cache: IndexCacheResult): BenchRow[] {
  const rows: BenchRow[] = [];
  const [empty, ...loaded] = cache.starts;
  if (!empty) return rows;
  for (const start of loaded) {
    const what = `${n(start.users)} users, ${n(start.prompts)} prompts`;
    const extraMb = round(start.rssMb - empty.rssMb, 1);
    const slower = start.startupMs - empty.startupMs;
    rows.push({
      id: "(g)",
      measurement: `idle RSS after start on PostgreSQL, ${what}, − empty database (${empty.rssMb} MB)`,
      result: `${extraMb >= 0 ? "+" : ""}${extraMb} MB (${n(((start.rssMb - empty.rssMb) * MB) / start.users)} B per user)`,
      goal: "≤ +40 MB",
      verdict: verdict(extraMb <= 40),
    });
    rows.push({
      id: "(g)",
      measurement: `start-up, ${what}, − empty database (${n(empty.startupMs)} ms)`,
      result: `${n(start.startupMs)} ms (${slower >= 0 ? "+" : ""}${n(slower)} ms)`,
      goal: "≤ +2,000 ms",
      verdict: verdict(slower <= 2_000),
    });
  }
  const { searched } = cache;
  const budgetGoal = cache.smallBudgetMb + 64;
  rows.push({
    id: "(g)",
    measurement:
      `${n(searched.users)} users search once each, INDEX_MEMORY_BUDGET=${cache.smallBudgetMb}MB: found their own prompt ` +
      `first (${searched.residentUsers} resident, ${searched.residentMb} MB estimated, ${n(searched.evictions)} evictions)`,
    result: `${n(searched.foundOwnFirst)} of ${n(searched.users)}`,
    goal: "all",
    verdict: verdict(searched.foundOwnFirst === searched.users),
  });
  const searchedExtra = round(searched.rssMb - empty.rssMb, 1);
  rows.push({
    id: "(g)",
    measurement: `RSS after those searches − empty database (after the first 10: +${round(searched.afterFirstRssMb - empty.rssMb, 1)} MB)`,
    result: `+${searchedExtra} MB`,
    goal: `≤ +${budgetGoal} MB`,
    verdict: verdict(searchedExtra <= budgetGoal),
  });
  rows.push({
    id: "(g)",
    measurement: `cold search p50 / p99 (the user's first: ${n(cache.largeUserPrompts)} prompts loaded from PostgreSQL)`,
    result: `${cache.coldP50Ms} / ${cache.coldP99Ms} ms`,
    goal: "p50 ≤ 100 ms",
    verdict: verdict(cache.coldP50Ms <= 100),
  });
  rows.push({
    id: "(g)",
    measurement: `warm search p50 / p99 (resident user, ${n(cache.largeUserPrompts)} prompts)`,
    result: `${cache.warmP50Ms} / ${cache.warmP99Ms} ms`,
    goal: "as (c) at 2,000",
    verdict: "",
  });
  for (const row of cache.resident) {
    rows.push({
      id: "(g)",
      measurement: `bytes per resident vector with its words, ${row.vectorIndex} (RSS growth over ${n(row.vectors)} vectors; server's estimate)`,
      result: `${n(row.measuredBytesPerVector)} B (estimate ${n(row.estimatedBytesPerVector)} B)`,
      goal: "",
      verdict: "",
    });
  }
  return rows;
}

/** Runs `work` on a PostgreSQL schema of its own (TEST_DATABASE_URL), dropped afterwards. */
async function onPostgres<T>(work: (db: { databaseUrl: string; schema: string }) => Promise<T>): Promise<T> {
  const schema = await createTestSchema("bench");
  try {
    return await work({ databaseUrl: schema.databaseUrl, schema: schema.name });
  } finally {
    await schema.drop();
  }
}

/** Runs `work` on the embedded database, then, when `postgres`, on a PostgreSQL schema of its own: both results. */
async function embeddedThenPostgres<T>(
  postgres: boolean,
  work: (db: { databaseUrl?: string; schema?: string }) => Promise<T>,
): Promise<T[]> {
  const results = [await work({})];
  if (postgres) results.push(await onPostgres(work));
  return results;
}

/** The report as Markdown: a header with the date and machine, then the table. */
export function formatReport(report: BenchReport): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    `Benchmark${report.smoke ? " (smoke: tiny sizes, figures mean nothing)" : ""} — ${report.date}`,
    `Machine: ${report.machine}`,
    `Took ${report.seconds} s`,
    "",
    "| | measurement | result | goal | |",
    "|---|---|---|---|---|",
    ...report.rows.map(
      (row) =>
        `| ${row.id} | ${cell(row.measurement)} | ${cell(row.result)} | ${cell(row.goal)} | ${row.verdict === "meets" ? "✅" : row.verdict === "misses" ? "❌" : ""} |`,
    ),
  ];
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      smoke: { type: "boolean", default: false },
      only: { type: "string" },
      json: { type: "string" },
    },
  });
  const only = values.only?.split(",").map((name) => name.trim()) ?? [];
  const unknown = only.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown section(s): ${unknown.join(", ")}; known: ${SECTIONS.join(", ")}\n`);
    process.exit(2);
  }
  const report = await runBench({ smoke: values.smoke, only: only as Section[] });
  process.stdout.write(`${formatReport(report)}\n`);
  if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  // Child processes and sockets are closed; exit anyway, so that a stray handle cannot hold the run open.
  process.exit(Object.keys(report.failed).length > 0 ? 1 : 0);
}
