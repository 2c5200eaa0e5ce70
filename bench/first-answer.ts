/**
 * (f) Time from starting the standalone server (`npm start`'s entry, run from source through tsx) on the embedded
 * defaults to the first prompt answered: a fresh DATA_DIR (PGlite creates its database, the development secret is
 * generated, the bundled model loads), then a restart on the same DATA_DIR. Each time: register, log in, POST a
 * prompt, over HTTP, as a new user would. Without `fresh` (the smoke run), only a start on a DATA_DIR that already
 * holds a database. Then the built server (what `npm start` runs, dist/standalone.js, built first, which loads the
 * database template shipped in dist/ instead of running initdb) on an empty DATA_DIR, and restarted on that DATA_DIR:
 * each time from spawning it to its first `GET /metrics` answered 200.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnServer } from "../packages/testkit/src/process.js";
import type { DataDirs } from "./support/data-dirs.js";
import { withStandaloneServer } from "./support/standalone-process.js";
import { sleep } from "./support/stats.js";

export interface FirstAnswerRow {
  start:
    | "fresh DATA_DIR"
    | "restart"
    | "existing DATA_DIR"
    | "built server, empty DATA_DIR, to /metrics 200"
    | "built server, restart, to /metrics 200";
  listeningMs: number;
  firstAnswerMs: number;
}

export async function benchFirstAnswer(options: {
  dataDirs: DataDirs;
  /** Start on an empty DATA_DIR, then restart; otherwise start once on a DATA_DIR holding a database. */
  fresh: boolean;
}): Promise<FirstAnswerRow[]> {
  const dataDir = options.fresh
    ? await options.dataDirs.empty("first-answer")
    : await options.dataDirs.withDatabase("first-answer");
  const rows: FirstAnswerRow[] = [];
  const starts = options.fresh ? (["fresh DATA_DIR", "restart"] as const) : (["existing DATA_DIR"] as const);
  for (const start of starts) {
    const started = performance.now();
    const server = spawnServer({ DATA_DIR: dataDir });
    try {
      let url: string | undefined;
      while (!url) {
        url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())?.[1];
        if (server.child.exitCode !== null || performance.now() - started > 120_000) {
          throw new Error(`the standalone server did not start:\n${server.output()}`);
        }
        if (!url) await sleep(5);
      }
      const listeningMs = performance.now() - started;
      const username = `first${start.length}${Date.now().toString(36)}`;
      await post(`${url}/api/auth/register/`, {
        username,
        email: `${username}@example.com`,
        password: "secret123",
      });
      const { access } = (await post(`${url}/api/auth/login/`, { username, password: "secret123" })) as {
        access: string;
      };
      await post(`${url}/api/prompts`, { prompt: "hola mundo" }, access);
      rows.push({
        start,
        listeningMs: Math.round(listeningMs),
        firstAnswerMs: Math.round(performance.now() - started),
      });
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }
  if (options.fresh) {
    await promisify(execFile)("npm", ["run", "build:js", "--silent", "-w", "@prompt-service/server"], {
      cwd: ROOT,
    });
    const builtDataDir = await options.dataDirs.empty("built-start");
    rows.push(await builtStartToMetrics(builtDataDir, "built server, empty DATA_DIR, to /metrics 200"));
    rows.push(await builtStartToMetrics(builtDataDir, "built server, restart, to /metrics 200"));
  }
  return rows;
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `npm start`'s server, built: spawned → first /metrics 200. */
function builtStartToMetrics(
  dataDir: string,
  start: Extract<FirstAnswerRow["start"], `built${string}`>,
): Promise<FirstAnswerRow> {
  return withStandaloneServer(["packages/server/dist/standalone.js"], dataDir, async ({ startMs }) => ({
    start,
    listeningMs: startMs,
    firstAnswerMs: startMs,
  }));
}

async function post(url: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}
