/**
 * Sustained load: autocannon at a fixed overall rate for `seconds` against a server with the default throttles, a mix
 * of POST /api/prompts (many users, so that some hit their 1/s and 10/min limits), history, similarity search and
 * GET /api/auth/me/. Passes when nothing but 429 fails (no 5xx, no other 4xx, no connection error or timeout) and
 * memory stays flat: the JS heap after a full GC at the end is within a few MB of where it was after the warm-up,
 * beyond what the stored prompts themselves take.
 */
import type autocannon from "autocannon";
import { cannon } from "./support/cannon.js";
import type { DataDirs } from "./support/data-dirs.js";
import { MB, round, sleep } from "./support/stats.js";
import { startTarget } from "./support/target.js";
import { PromptTexts } from "./support/texts.js";

export interface LoadOptions {
  seconds: number;
  /** Requests per second, all routes together. */
  rate: number;
  users: number;
  connections: number;
  dataDirs: DataDirs;
}

export interface LoadResult {
  seconds: number;
  rate: number;
  responses: number;
  statuses: Record<string, number>;
  /** Responses other than 2xx and 429, plus connection errors and timeouts: should be 0. */
  errors: number;
  /** Memory sampled through the run (after a full GC, MB). */
  heapStartMb: number;
  heapEndMb: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
}

export async function benchLoad(options: LoadOptions): Promise<LoadResult> {
  const target = await startTarget({
    dataDir: await options.dataDirs.withDatabase("load"),
    newUsers: options.users,
  });
  try {
    const texts = new PromptTexts(47, "l");
    const queries = new PromptTexts(53, "k");
    let counter = 0;
    const requests: autocannon.Request[] = [
      {
        setupRequest: (request) => {
          const index = counter++;
          const user = target.users[Math.floor(Math.random() * target.users.length)] ?? target.users[0];
          const headers = { ...request.headers, authorization: `Bearer ${user?.token}` };
          switch (index % 4) {
            case 0:
              return {
                ...request,
                method: "POST",
                path: "/api/prompts",
                headers: { ...headers, "content-type": "application/json" },
                body: JSON.stringify({ prompt: texts.next() }),
              };
            case 1:
              return { ...request, method: "GET", path: "/api/prompts?limit=20", headers, body: undefined };
            case 2:
              return {
                ...request,
                method: "GET",
                path: `/api/prompts/similar?q=${encodeURIComponent(queries.next())}&k=5`,
                headers,
                body: undefined,
              };
            default:
              return { ...request, method: "GET", path: "/api/auth/me/", headers, body: undefined };
          }
        },
      },
    ];

    const samples: Array<{ heap: number; rss: number }> = [];
    let running = true;
    const sampler = (async () => {
      // The first sample after a tenth of the run: start-up allocations and JIT are behind by then.
      await sleep((options.seconds * 1000) / 10);
      while (running) {
        const memory = await target.memory(true);
        samples.push({
          heap: memory.heapUsed,
          rss: memory.rss,
        });
        await sleep(Math.max(1000, (options.seconds * 1000) / 12));
      }
    })();
    const result = await cannon({
      url: target.url,
      connections: options.connections,
      overallRate: options.rate,
      duration: options.seconds,
      timeout: 10,
      requests,
    });
    running = false;
    await sampler;
    const memory = await target.memory(true);
    samples.push({
      heap: memory.heapUsed,
      rss: memory.rss,
    });

    const bad = Object.entries(result.statuses)
      .filter(([status]) => !status.startsWith("2") && status !== "429")
      .reduce((sum, [, count]) => sum + count, 0);
    const first = samples[0] ?? { heap: 0, rss: 0 };
    const last = samples.at(-1) ?? first;
    return {
      seconds: round(result.seconds, 1),
      rate: options.rate,
      responses: result.responses,
      statuses: result.statuses,
      errors: bad + result.errors,
      heapStartMb: round(first.heap / MB, 1),
      heapEndMb: round(last.heap / MB, 1),
      rssStartMb: round(first.rss / MB, 1),
      rssEndMb: round(last.rss / MB, 1),
      rssMaxMb: round(Math.max(...samples.map((sample) => sample.rss)) / MB, 1),
    };
  } finally {
    await target.stop();
  }
}
