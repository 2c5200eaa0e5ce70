/**
 * key-overhead (issue 24): what a personal API key costs a light request against an access token. Throughput of
 * GET /api/auth/me/ with `Authorization: Bearer ps_…` ÷ the same route with the user's JWT, on one server (in a
 * process of its own; autocannon drives it from this one), in alternating rounds so that the ratio holds on a noisy
 * machine. The server's storage counts the statements it runs (api-target-main.ts: the real storage, with a counter
 * in front of its database handle), which shows that a warm key costs no database round trip: the key lookup
 * (`api_keys WHERE key_hash`) runs once, at the key's first request, and never during the measured rounds.
 */
import { loadavg } from "node:os";
import type { BenchRow } from "./index.js";
import { countOf, startApiTarget, totalBetween } from "./support/api-target.js";
import { cannon } from "./support/cannon.js";
import type { DataDirs } from "./support/data-dirs.js";
import { n, verdict } from "./support/rows.js";
import { round } from "./support/stats.js";

export interface KeyOverheadOptions {
  rounds: number;
  seconds: number;
  connections: number;
  dataDirs: DataDirs;
  /** Unset: the embedded database. */
  databaseUrl?: string;
  schema?: string;
}

export interface KeyOverheadResult {
  storage: string;
  jwtPerSecond: number;
  keyPerSecond: number;
  /** key ÷ JWT: the goal is 0.9 or more. */
  ratio: number;
  /** Responses other than 200, and connection errors: should be 0. */
  failures: number;
  /** Key lookups in the database (api_keys by hash) before the measured rounds: the key's first use. */
  keyLookupsCold: number;
  /** Key lookups during the measured rounds: 0 when a warm key costs no round trip. */
  keyLookupsWarm: number;
  keyRequests: number;
  jwtRequests: number;
  /** Every statement the storage ran during the measured rounds (the background polls included), per 1,000 requests. */
  queriesPer1kKey: number;
  queriesPer1kJwt: number;
  loadAverage: number;
}

const KEY_LOOKUP = "FROM api_keys WHERE key_hash";

export async function benchKeyOverhead(options: KeyOverheadOptions): Promise<KeyOverheadResult> {
  const loadAverage = round(loadavg()[0] ?? 0, 1);
  const target = await startApiTarget({
    dataDir: await options.dataDirs.withDatabase("key-overhead"),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
    newUsers: 1,
    apiKeys: true,
  });
  try {
    const user = target.users[0];
    if (!user?.key) throw new Error("the target made no API key");
    const url = `${target.url}/api/auth/me/`;
    const routes = {
      jwt: { url, headers: { authorization: `Bearer ${user.token}` } },
      key: { url, headers: { authorization: `Bearer ${user.key}` } },
    } as const;
    const totals = {
      jwt: { responses: 0, seconds: 0, queries: 0 },
      key: { responses: 0, seconds: 0, queries: 0 },
    };
    let failures = 0;
    // Untimed warm-up: JIT, connections, the user's cached row and the key's first (and only) lookup.
    for (const route of Object.values(routes)) {
      await cannon({ ...route, connections: options.connections, duration: Math.min(1, options.seconds) });
    }
    const warm = await target.queries();
    let keyLookupsWarm = 0;
    for (let index = 0; index < options.rounds; index++) {
      for (const name of ["jwt", "key"] as const) {
        const before = await target.queries();
        const result = await cannon({
          ...routes[name],
          connections: options.connections,
          duration: options.seconds,
        });
        const after = await target.queries();
        totals[name].responses += result.statuses["200"] ?? 0;
        totals[name].seconds += result.seconds;
        totals[name].queries += totalBetween(before, after);
        keyLookupsWarm += countOf(after, KEY_LOOKUP) - countOf(before, KEY_LOOKUP);
        failures += result.responses - (result.statuses["200"] ?? 0) + result.errors;
      }
    }
    const perSecond = (name: keyof typeof totals) => totals[name].responses / totals[name].seconds;
    const per1k = (name: keyof typeof totals) =>
      round((totals[name].queries * 1000) / totals[name].responses, 3);
    return {
      storage: options.databaseUrl ? "postgres" : "embedded",
      jwtPerSecond: Math.round(perSecond("jwt")),
      keyPerSecond: Math.round(perSecond("key")),
      ratio: round(perSecond("key") / perSecond("jwt")),
      failures,
      keyLookupsCold: countOf(warm, KEY_LOOKUP),
      keyLookupsWarm,
      keyRequests: totals.key.responses,
      jwtRequests: totals.jwt.responses,
      queriesPer1kKey: per1k("key"),
      queriesPer1kJwt: per1k("jwt"),
      loadAverage,
    };
  } finally {
    await target.stop();
  }
}

export function keyOverheadRows(results: readonly KeyOverheadResult[]): BenchRow[] {
  return results.flatMap((result): BenchRow[] => [
    {
      id: "keys",
      measurement:
        `GET /api/auth/me/ with an API key ÷ with a JWT, same server (${result.storage}; load average ` +
        `${result.loadAverage}; ${result.failures} failures)`,
      result: `${n(result.keyPerSecond)} ÷ ${n(result.jwtPerSecond)} req/s = ${result.ratio}`,
      goal: "≥ 0.9",
      verdict: verdict(result.ratio >= 0.9 && result.failures === 0),
    },
    {
      id: "keys",
      measurement:
        `key lookups in the database (api_keys by hash, ${result.storage}): at the key's first request → over ` +
        `${n(result.keyRequests)} warm requests (every statement per 1,000 requests, key / JWT, background polls ` +
        `included: ${result.queriesPer1kKey} / ${result.queriesPer1kJwt})`,
      result: `${result.keyLookupsCold} → ${result.keyLookupsWarm}`,
      goal: "0 once warm",
      verdict: verdict(result.keyLookupsWarm === 0),
    },
  ]);
}
