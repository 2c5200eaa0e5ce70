/**
 * (a) What the service's stack costs a light request: throughput of GET /api/auth/me/ (JWT verification, the
 * request id and log line, metrics, one primary-key lookup) against a bare Fastify hello route served by the same
 * process. GET /healthz goes through the same stack without authentication or database, which splits the cost in
 * two. autocannon drives them from this process, one after the other over a few rounds, so that the ratios hold on
 * a noisy machine.
 */

import { cannon } from "./support/cannon.js";
import type { DataDirs } from "./support/data-dirs.js";
import { round } from "./support/stats.js";
import { startTarget } from "./support/target.js";

export interface OverheadOptions {
  rounds: number;
  seconds: number;
  connections: number;
  dataDirs: DataDirs;
  /** Unset: the embedded database. */
  databaseUrl?: string;
  schema?: string;
}

export interface OverheadResult {
  storage: string;
  helloPerSecond: number;
  healthzPerSecond: number;
  mePerSecond: number;
  /** me ÷ hello: the goal is 0.5 or more. */
  ratio: number;
  /** healthz ÷ hello: the stack without authentication and database. */
  healthzRatio: number;
  /** Responses other than 200, and connection errors, over both routes: should be 0. */
  failures: number;
}

export async function benchOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const target = await startTarget({
    dataDir: await options.dataDirs.withDatabase("overhead"),
    databaseUrl: options.databaseUrl,
    schema: options.schema,
    newUsers: 1,
    hello: true,
  });
  try {
    const token = target.users[0]?.token as string;
    const hello = { url: target.helloUrl as string };
    const me = { url: `${target.url}/api/auth/me/`, headers: { authorization: `Bearer ${token}` } };
    const healthz = { url: `${target.url}/healthz` };
    const routes = [
      ["hello", hello],
      ["healthz", healthz],
      ["me", me],
    ] as const;
    const totals = {
      hello: { responses: 0, seconds: 0 },
      healthz: { responses: 0, seconds: 0 },
      me: { responses: 0, seconds: 0 },
    };
    let failures = 0;
    // Untimed warm-up: JIT, the database's caches, connection setup.
    for (const [, route] of routes) {
      await cannon({ ...route, connections: options.connections, duration: Math.min(1, options.seconds) });
    }
    for (let index = 0; index < options.rounds; index++) {
      for (const [name, route] of routes) {
        const result = await cannon({
          ...route,
          connections: options.connections,
          duration: options.seconds,
        });
        totals[name].responses += result.statuses["200"] ?? 0;
        totals[name].seconds += result.seconds;
        failures += result.responses - (result.statuses["200"] ?? 0) + result.errors;
      }
    }
    const perSecond = (name: keyof typeof totals) => totals[name].responses / totals[name].seconds;
    return {
      storage: options.databaseUrl ? "postgres" : "embedded",
      helloPerSecond: Math.round(perSecond("hello")),
      healthzPerSecond: Math.round(perSecond("healthz")),
      mePerSecond: Math.round(perSecond("me")),
      ratio: round(perSecond("me") / perSecond("hello")),
      healthzRatio: round(perSecond("healthz") / perSecond("hello")),
      failures,
    };
  } finally {
    await target.stop();
  }
}
