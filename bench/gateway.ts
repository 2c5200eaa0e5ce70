/**
 * gateway (issue 24, "Gateway load"): `clients` distinct API keys of as many users, each calling
 * POST /v1/chat/completions once a second for `seconds`, against the service configured with OPENAI_BASE_URL
 * pointing at a fake OpenAI-compatible upstream that answers in 200 ms (support/fake-openai-main.ts). Every party
 * runs in a process of its own: the upstream, the service (on PostgreSQL, with throttles set so that they refuse
 * none of this load), the Portkey AI gateway (the peer, `@portkey-ai/gateway`, started with `--port=N --headless`
 * and given `x-portkey-provider: openai` and `x-portkey-custom-host: <upstream>/v1`), and the load generator
 * (support/paced-load-main.ts, open loop, each client on its own schedule and connections). The same load is sent,
 * one after the other, to the upstream directly (the baseline), to the peer and to the service, each after a
 * warm-up at the same load; the added latency of a gateway is its p50 / p99 minus the direct call's in this run.
 * The service's RSS is read from /proc every second; after the load, the database is read until every prompt the
 * load stored has its vector, and then each user's first stored prompt is searched for through the API with its key.
 */
import { loadavg } from "node:os";
import pg from "pg";
import type { BenchRow } from "./index.js";
import {
  type ApiTarget,
  type ApiTargetStalls,
  cpuMs,
  residentBytes,
  startApiTarget,
} from "./support/api-target.js";
import type { DataDirs } from "./support/data-dirs.js";
import {
  type PacedLoadConfig,
  type PacedLoadResult,
  startFakeOpenAi,
  startPacedLoad,
  startPortkey,
} from "./support/paced-load.js";
import { n, signed, verdict } from "./support/rows.js";
import { MB, round, sleep } from "./support/stats.js";

export interface GatewayOptions {
  clients: number;
  seconds: number;
  warmupSeconds: number;
  upstreamDelayMs: number;
  /** How long after the load stops every prompt may take to become searchable (the goal: 300). */
  searchableWithinSeconds: number;
  dataDirs: DataDirs;
  databaseUrl: string;
  schema: string;
}

export interface GatewaySide extends PacedLoadResult {
  /** The 1-minute load average when this side's run started and when it ended. */
  loadAverage: [number, number];
  /** This side's added latency over the direct call's, ms (absent for the direct call). */
  addedP50Ms?: number;
  addedP99Ms?: number;
  /** The gateway process's RSS after the warm-up and at the end of the load, MB. */
  rssAfterWarmupMb?: number;
  rssEndMb?: number;
  rssMaxMb?: number;
  /**
   * The gateway process's CPU time per answered request over the measured window, ms: its main thread (the event
   * loop, where requests are handled) and the whole process (for the service, the embedding worker thread too).
   */
  cpuMainMsPerRequest?: number;
  cpuProcessMsPerRequest?: number;
}

export interface GatewayResult {
  clients: number;
  seconds: number;
  warmupSeconds: number;
  upstreamDelayMs: number;
  searchableWithinSeconds: number;
  model: string;
  direct: GatewaySide;
  ours: GatewaySide;
  /** The peer's figures, or why it could not run. */
  peer: GatewaySide | { error: string };
  /** Prompts of the load's users in the database once the load stopped, and calls the upstream served for them. */
  stored: number;
  /** Seconds from the end of the load until no prompt of the load's users lacked its vector; absent if never. */
  searchableAfterSeconds?: number;
  /** Prompts still without a vector when the wait ended. */
  unsearchable: number;
  /** Prompts without a vector when the load stopped, and vectors stored per second while the wait lasted. */
  unsearchableAtLoadEnd: number;
  drainPerSecond: number;
  /**
   * Database statements per call sent during the service's run (warm-up included), all of them (the background
   * polls and the vectors' updates too), and the most frequent, per call; a transaction counts as one, apart from
   * the statements in it.
   */
  statementsPerCall: number;
  topStatements: Array<{ perCall: number; statement: string }>;
  /** The statements that took the most time per call sent, ms (from the call: a wait for a pooled connection too). */
  slowestStatements: Array<{ msPerCall: number; p99Ms: number; statement: string }>;
  /** What held the service's requests up over the measured window (after the warm-up): see ApiTargetStalls. */
  stalls: Omit<ApiTargetStalls, "statementP99Ms">;
  /** Users whose first stored prompt a similar search (with their key, k=5) found among its results. */
  usersFound: number;
  usersSearched: number;
  searchFailures: Record<string, number>;
}

const MODEL = "gpt-4o-mini";
const TEXT_SEED = 240;

export async function benchGateway(options: GatewayOptions): Promise<GatewayResult> {
  const upstream = await startFakeOpenAi(options.upstreamDelayMs);
  const load = await startPacedLoad();
  let target: ApiTarget | undefined;
  try {
    target = await startApiTarget({
      dataDir: await options.dataDirs.empty("gateway"),
      databaseUrl: options.databaseUrl,
      schema: options.schema,
      newUsers: options.clients,
      apiKeys: true,
      options: {
        openaiApiKey: "bench-upstream-key",
        openaiBaseUrl: `${upstream.url}/v1`,
        openaiModel: MODEL,
        // Each user sends 1/s: the throttles (1/s,10/min by default) must refuse none of it, jitter included.
        promptRateLimits: "10/s,1000/min",
        searchRateLimits: "10/s,1000/min",
        // Every client connects from 127.0.0.1.
        maxConnectionsPerAddress: 100_000,
      },
    });
    const base = {
      intervalMs: 1000,
      warmupSeconds: options.warmupSeconds,
      seconds: options.seconds,
      model: MODEL,
      timeoutMs: 30_000,
      connectionsPerClient: 4,
      textSeed: TEXT_SEED,
    } satisfies Partial<PacedLoadConfig>;
    /** `atMeasureStart` runs at the first sample after the warm-up (within a second of its end). */
    const side = async (
      config: PacedLoadConfig,
      pid?: number,
      atMeasureStart?: () => Promise<unknown>,
    ): Promise<GatewaySide> => {
      const loadStart = round(loadavg()[0] ?? 0, 1);
      const measureFrom = config.warmupSeconds * 1000 + 100;
      const samples: Array<{ at: number; rss: number; cpu?: number; mainCpu?: number }> = [];
      let sampling = pid !== undefined;
      const started = performance.now();
      const sampler = (async () => {
        while (sampling && pid !== undefined) {
          const at = performance.now() - started;
          if (atMeasureStart && at >= measureFrom) {
            await atMeasureStart();
            atMeasureStart = undefined;
          }
          const [rss, cpu, mainCpu] = await Promise.all([residentBytes(pid), cpuMs(pid), cpuMs(pid, pid)]);
          if (rss !== undefined)
            samples.push({
              at,
              rss,
              ...(cpu !== undefined ? { cpu } : {}),
              ...(mainCpu !== undefined ? { mainCpu } : {}),
            });
          await sleep(1000);
        }
      })();
      const result = await load.run(config);
      sampling = false;
      await sampler;
      const end = pid !== undefined ? await residentBytes(pid) : undefined;
      const afterWarmup = samples.find((sample) => sample.at >= measureFrom);
      // CPU over the measured window: from the first sample in it to the last before the load's end.
      const inWindow = samples.filter(
        (sample) => sample.at >= measureFrom && sample.at <= measureFrom + config.seconds * 1000,
      );
      const [first, last] = [inWindow[0], inWindow.at(-1)];
      const windowShare = first && last ? (last.at - first.at) / (config.seconds * 1000) : 0;
      const perRequest = (from?: number, to?: number) =>
        from !== undefined && to !== undefined && windowShare > 0 && result.ok > 0
          ? round((to - from) / (result.ok * windowShare), 2)
          : undefined;
      const cpuMain = perRequest(first?.mainCpu, last?.mainCpu);
      const cpuProcess = perRequest(first?.cpu, last?.cpu);
      return {
        ...result,
        loadAverage: [loadStart, round(loadavg()[0] ?? 0, 1)],
        ...(afterWarmup ? { rssAfterWarmupMb: round(afterWarmup.rss / MB, 1) } : {}),
        ...(end !== undefined ? { rssEndMb: round(end / MB, 1) } : {}),
        ...(samples.length > 0 ? { rssMaxMb: round(Math.max(...samples.map((s) => s.rss)) / MB, 1) } : {}),
        ...(cpuMain !== undefined ? { cpuMainMsPerRequest: cpuMain } : {}),
        ...(cpuProcess !== undefined ? { cpuProcessMsPerRequest: cpuProcess } : {}),
      };
    };

    const upstreamHeaders = { authorization: "Bearer bench-upstream-key" };
    const direct = await side({
      ...base,
      label: "direct",
      origin: upstream.url,
      path: "/v1/chat/completions",
      clients: Array.from({ length: options.clients }, () => upstreamHeaders),
    });

    let peer: GatewaySide | { error: string };
    try {
      const portkey = await startPortkey();
      try {
        const peerHeaders = {
          ...upstreamHeaders,
          "x-portkey-provider": "openai",
          "x-portkey-custom-host": `${upstream.url}/v1`,
        };
        peer = await side(
          {
            ...base,
            label: "portkey",
            origin: portkey.url,
            path: "/v1/chat/completions",
            clients: Array.from({ length: options.clients }, () => peerHeaders),
          },
          portkey.child.pid,
        );
      } finally {
        await portkey.stop();
      }
    } catch (error) {
      peer = { error: (error as Error).message.split("\n").slice(0, 3).join(" ") };
    }

    const statementsBefore = await target.queries();
    const statementMsBefore = await target.statementMs();
    const ours = await side(
      {
        ...base,
        label: "ours",
        origin: target.url,
        path: "/v1/chat/completions",
        clients: target.users.map((user) => ({ authorization: `Bearer ${user.key}` })),
      },
      target.pid,
      () => (target as ApiTarget).stalls(),
    );
    const loadEnded = performance.now();
    const stalls = await target.stalls();
    const statementsAfter = await target.queries();
    const statementMsAfter = await target.statementMs();
    // Per call sent, answered or not: a call refused while waiting for the database ran statements too.
    const calls = ours.sent + ours.warmup.sent;
    const statementCounts = Object.entries(statementsAfter)
      .map(([statement, count]) => ({ statement, count: count - (statementsBefore[statement] ?? 0) }))
      .filter(({ count }) => count > 0)
      .sort((a, b) => b.count - a.count);
    const statementsPerCall = round(statementCounts.reduce((sum, { count }) => sum + count, 0) / calls, 2);
    const slowestStatements = Object.entries(statementMsAfter)
      .map(([statement, ms]) => ({ statement, ms: ms - (statementMsBefore[statement] ?? 0) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 4)
      .map(({ statement, ms }) => ({
        msPerCall: round(ms / calls, 1),
        p99Ms: stalls.statementP99Ms[statement] ?? 0,
        statement: statement.slice(0, 90),
      }));
    const topStatements = statementCounts.slice(0, 6).map(({ statement, count }) => ({
      perCall: round(count / calls, 3),
      statement: statement.slice(0, 90),
    }));
    for (const gateway of [ours, peer]) {
      if ("latencyMs" in gateway) {
        gateway.addedP50Ms = round(gateway.latencyMs.p50 - direct.latencyMs.p50);
        gateway.addedP99Ms = round(gateway.latencyMs.p99 - direct.latencyMs.p99);
      }
    }

    // Every prompt searchable: none of the load's prompts without a vector in the database, then a search per user.
    const db = new pg.Client({
      connectionString: options.databaseUrl,
      options: `-c search_path=${options.schema}`,
    });
    await db.connect();
    let stored = 0;
    let unsearchable = 0;
    let unsearchableAtLoadEnd: number | undefined;
    let waited = 0;
    let searchableAfterSeconds: number | undefined;
    let firstPrompts = new Map<number, string>();
    try {
      for (;;) {
        const { rows } = await db.query<{ total: string; pending: string }>(
          "SELECT count(*) AS total, count(*) FILTER (WHERE embedding IS NULL) AS pending FROM prompts",
        );
        stored = Number(rows[0]?.total ?? 0);
        unsearchable = Number(rows[0]?.pending ?? 0);
        unsearchableAtLoadEnd ??= unsearchable;
        waited = (performance.now() - loadEnded) / 1000;
        if (unsearchable === 0) {
          searchableAfterSeconds = round(waited, 1);
          break;
        }
        if (waited > options.searchableWithinSeconds) break;
        await sleep(1000);
      }
      const { rows } = await db.query<{ user_id: string; prompt: string }>(
        "SELECT DISTINCT ON (user_id) user_id, prompt FROM prompts ORDER BY user_id, id",
      );
      firstPrompts = new Map(rows.map((row) => [Number(row.user_id), row.prompt]));
    } finally {
      await db.end();
    }
    const { found, failures } = await searchFirstPrompts(target, firstPrompts);
    return {
      clients: options.clients,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      upstreamDelayMs: options.upstreamDelayMs,
      searchableWithinSeconds: options.searchableWithinSeconds,
      model: MODEL,
      direct,
      ours,
      peer,
      stored,
      statementsPerCall,
      topStatements,
      slowestStatements,
      stalls: { loopDelayMs: stalls.loopDelayMs, gcPauses: stalls.gcPauses },
      ...(searchableAfterSeconds !== undefined ? { searchableAfterSeconds } : {}),
      unsearchable,
      unsearchableAtLoadEnd: unsearchableAtLoadEnd ?? 0,
      drainPerSecond: waited > 0 ? round(((unsearchableAtLoadEnd ?? 0) - unsearchable) / waited, 1) : 0,
      usersFound: found,
      usersSearched: target.users.length,
      searchFailures: failures,
    };
  } finally {
    await load.stop();
    await target?.stop();
    await upstream.stop();
  }
}

/**
 * Each user's first stored prompt searched for with the user's key: found when it is among the k=5 results. A user
 * none of whose calls was answered has nothing to find ("nothing stored"). Four users at a time.
 */
async function searchFirstPrompts(
  target: ApiTarget,
  firstPrompts: Map<number, string>,
): Promise<{ found: number; failures: Record<string, number> }> {
  let found = 0;
  const failures: Record<string, number> = {};
  const queue = target.users.map((user) => ({ user, text: firstPrompts.get(user.id) }));
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { text } = next;
        if (text === undefined) {
          failures["nothing stored"] = (failures["nothing stored"] ?? 0) + 1;
          continue;
        }
        try {
          const response = await fetch(
            `${target.url}/api/prompts/similar?q=${encodeURIComponent(text)}&k=5`,
            { headers: { authorization: `Bearer ${next.user.key}` } },
          );
          const body = (await response.json()) as { results?: Array<{ prompt: string }> };
          if (response.status !== 200) {
            failures[response.status] = (failures[response.status] ?? 0) + 1;
          } else if (body.results?.some((result) => result.prompt === text)) found++;
          else failures.missing = (failures.missing ?? 0) + 1;
        } catch (error) {
          const code = (error as { code?: string }).code ?? "error";
          failures[code] = (failures[code] ?? 0) + 1;
        }
      }
    }),
  );
  return { found, failures };
}

export function gatewayRows(result: GatewayResult): BenchRow[] {
  const { direct, ours, peer } = result;
  const load = (side: GatewaySide) => `load average ${side.loadAverage.join(" → ")}`;
  const served = (side: GatewaySide) =>
    `${n(side.perSecond, 1)} req/s, ${n(side.successRate * 100, 2)} % (${Object.entries({
      ...side.statuses,
      ...side.errors,
    })
      .map(([status, count]) => `${status}: ${n(count)}`)
      .join(", ")})`;
  const minRate = 0.99 * result.clients;
  const what = `${n(result.clients)} keys of as many users, each POST /v1/chat/completions once a second for ${result.seconds} s, upstream answering in ${result.upstreamDelayMs} ms`;
  const rows: BenchRow[] = [
    {
      id: "gateway",
      measurement: `${what}: served by the service (${load(ours)})`,
      result: served(ours),
      goal: `≥ ${n(minRate)} req/s, 100 %`,
      verdict: verdict(ours.perSecond >= minRate && ours.successRate === 1),
    },
    {
      id: "gateway",
      measurement:
        `the service's added latency p50 / p99 over the direct call (p50 / p99: service ${ours.latencyMs.p50} / ` +
        `${ours.latencyMs.p99} ms, direct ${direct.latencyMs.p50} / ${direct.latencyMs.p99} ms, ${load(direct)})`,
      result: `${signed(ours.addedP50Ms ?? Number.NaN, 2)} / ${signed(ours.addedP99Ms ?? Number.NaN, 2)} ms`,
      goal: "p50 ≤ 5 ms, p99 ≤ 25 ms",
      verdict: verdict(
        (ours.addedP50Ms ?? Number.POSITIVE_INFINITY) <= 5 &&
          (ours.addedP99Ms ?? Number.POSITIVE_INFINITY) <= 25,
      ),
    },
  ];
  if ("latencyMs" in peer) {
    rows.push(
      {
        id: "gateway",
        measurement:
          `the peer, Portkey AI gateway (@portkey-ai/gateway), same load: served; added p50 / p99 (its p50 / p99 ` +
          `${peer.latencyMs.p50} / ${peer.latencyMs.p99} ms; ${load(peer)})`,
        result: `${served(peer)}; ${signed(peer.addedP50Ms ?? Number.NaN, 2)} / ${signed(peer.addedP99Ms ?? Number.NaN, 2)} ms`,
        goal: "",
        verdict: "",
      },
      {
        id: "gateway",
        measurement: "the service's added p99 against the peer's, same run",
        result: `${signed(ours.addedP99Ms ?? Number.NaN, 2)} vs ${signed(peer.addedP99Ms ?? Number.NaN, 2)} ms`,
        goal: "below the peer's",
        verdict: verdict(
          (ours.addedP99Ms ?? Number.POSITIVE_INFINITY) < (peer.addedP99Ms ?? Number.NEGATIVE_INFINITY),
        ),
      },
    );
  } else {
    rows.push({
      id: "gateway",
      measurement: "the peer, Portkey AI gateway (@portkey-ai/gateway): could not run",
      result: peer.error,
      goal: "",
      verdict: "misses",
    });
  }
  if ("latencyMs" in peer) {
    rows.push({
      id: "gateway",
      measurement:
        "CPU per answered request over the measured window, main thread (the event loop) / whole process (the service's includes its embedding worker), service vs peer",
      result: `${ours.cpuMainMsPerRequest ?? "n/a"} / ${ours.cpuProcessMsPerRequest ?? "n/a"} ms vs ${peer.cpuMainMsPerRequest ?? "n/a"} / ${peer.cpuProcessMsPerRequest ?? "n/a"} ms`,
      goal: "",
      verdict: "",
    });
  }
  rows.push({
    id: "gateway",
    measurement:
      "database statements per call sent during the service's run, all of them (background polls and vector updates included; " +
      `a transaction's BEGIN … COMMIT counts as one); the most frequent: ${result.topStatements
        .map(({ perCall, statement }) => `${perCall} × ${statement.split(" ").slice(0, 4).join(" ")}`)
        .join("; ")}`,
    result: `${result.statementsPerCall}`,
    goal: "",
    verdict: "",
  });
  rows.push({
    id: "gateway",
    measurement:
      "database time per call sent, from each statement's call to its result (a wait for one of the pool's connections included), the largest: " +
      result.slowestStatements.map(({ statement }) => statement.split(" ").slice(0, 4).join(" ")).join("; "),
    result: result.slowestStatements
      .map(({ msPerCall, p99Ms }) => `${n(msPerCall, 1)} ms (p99 ${n(p99Ms, 1)} ms)`)
      .join("; "),
    goal: "",
    verdict: "",
  });
  const { loopDelayMs, gcPauses } = result.stalls;
  rows.push({
    id: "gateway",
    measurement:
      "what held the service's event loop over the measured window: its delay (Node's monitorEventLoopDelay) p50 / p99 / " +
      "max; garbage collections, their pauses in all, the longest, and those over 10 ms",
    result:
      `${n(loopDelayMs.p50, 1)} / ${n(loopDelayMs.p99, 1)} / ${n(loopDelayMs.max, 1)} ms; ${n(gcPauses.count)} GCs, ` +
      `${n(gcPauses.totalMs)} ms, longest ${n(gcPauses.maxMs, 1)} ms, ${n(gcPauses.over10Ms)} over 10 ms`,
    goal: "",
    verdict: "",
  });
  const rssGrowth = round((ours.rssEndMb ?? Number.NaN) - (ours.rssAfterWarmupMb ?? Number.NaN), 1);
  rows.push(
    {
      id: "gateway",
      measurement:
        `the service's RSS after the warm-up → at the end of the load (${ours.rssAfterWarmupMb} → ${ours.rssEndMb} MB, ` +
        `at most ${ours.rssMaxMb}; the peer's ${"rssEndMb" in peer ? `${peer.rssAfterWarmupMb} → ${peer.rssEndMb} MB` : "n/a"})`,
      result: `${signed(rssGrowth)} MB`,
      goal: "≤ +64 MB",
      verdict: verdict(rssGrowth <= 64),
    },
    {
      id: "gateway",
      measurement:
        `every prompt searchable after the load stops: none of the ${n(result.stored)} stored without its vector, ` +
        `then each user's first stored prompt found by a similar search with its key (${
          Object.entries(result.searchFailures)
            .map(([why, count]) => `${why}: ${count}`)
            .join(", ") || "no failure"
        })`,
      result:
        `${result.searchableAfterSeconds === undefined ? `${n(result.unsearchable)} still without a vector after ${n(result.searchableWithinSeconds)} s` : `${n(result.searchableAfterSeconds, 1)} s`}; ` +
        `${n(result.usersFound)} of ${n(result.usersSearched)} users ` +
        `(${n(result.unsearchableAtLoadEnd)} without a vector when the load stopped; ${n(result.drainPerSecond, 1)} vectors/s after)`,
      goal: `≤ ${n(result.searchableWithinSeconds)} s, all`,
      verdict: verdict(
        result.searchableAfterSeconds !== undefined &&
          result.searchableAfterSeconds <= result.searchableWithinSeconds &&
          result.usersFound === result.usersSearched,
      ),
    },
    {
      id: "gateway",
      measurement:
        "the load generator (its own process): lateness p99, event-loop lag p99, CPU of one core — direct / peer / service",
      result: [direct, peer, ours]
        .map((side) =>
          "latenessMs" in side
            ? `${side.latenessMs.p99} ms, ${side.loopDelayMs.p99} ms, ${side.generatorCpuPercent} %`
            : "n/a",
        )
        .join(" / "),
      goal: "not the bottleneck",
      verdict: "",
    },
  );
  return rows;
}
