/**
 * What the OpenAI-compatible API costs over the service's own: throughput of POST /v1/chat/completions against
 * POST /api/prompts, both answered by the mock model, at the same load (the same connections for the same time,
 * closed loop, in alternating rounds so that the ratio holds on a noisy machine). Both store a prompt and queue it
 * for its vector; /v1 also reserves its id first and publishes its events to the user's sockets, as every /v1 call
 * does. Both send the same text, so the embedding model's cache answers the vectors of both alike: what is
 * compared is the request path, not the model.
 */
import { cannon } from "./support/cannon.js";
import type { DataDirs } from "./support/data-dirs.js";
import { round } from "./support/stats.js";
import { startTarget } from "./support/target.js";

export interface OpenAiOverheadOptions {
  rounds: number;
  seconds: number;
  connections: number;
  dataDirs: DataDirs;
}

export interface OpenAiOverheadResult {
  promptsPerSecond: number;
  completionsPerSecond: number;
  /** completions ÷ prompts: the goal is 0.9 or more. */
  ratio: number;
  /** The slowest round's median latency of each route. */
  promptsP50Ms: number;
  completionsP50Ms: number;
  /** Answers other than the route's success, and connection errors: should be 0. */
  failures: number;
}

const TEXT = "What is the difference between a process and a thread?";

export async function benchOpenAiOverhead(options: OpenAiOverheadOptions): Promise<OpenAiOverheadResult> {
  const target = await startTarget({
    dataDir: await options.dataDirs.withDatabase("openai"),
    newUsers: 1,
    // The load, not the throttle, is measured.
    promptRateLimits: "1000000/s",
  });
  try {
    const headers = {
      authorization: `Bearer ${target.users[0]?.token as string}`,
      "content-type": "application/json",
    };
    const routes = {
      prompts: {
        request: {
          url: `${target.url}/api/prompts`,
          method: "POST" as const,
          headers,
          body: JSON.stringify({ prompt: TEXT }),
        },
        success: "201",
      },
      completions: {
        request: {
          url: `${target.url}/v1/chat/completions`,
          method: "POST" as const,
          headers,
          body: JSON.stringify({ model: "mock", messages: [{ role: "user", content: TEXT }] }),
        },
        success: "200",
      },
    };
    const totals = {
      prompts: { responses: 0, seconds: 0, p50: [] as number[] },
      completions: { responses: 0, seconds: 0, p50: [] as number[] },
    };
    let failures = 0;
    // Untimed warm-up: JIT, the tokenizer's tables, the database's caches, connection setup.
    for (const { request } of Object.values(routes)) {
      await cannon({ ...request, connections: options.connections, duration: Math.min(1, options.seconds) });
    }
    for (let index = 0; index < options.rounds; index++) {
      for (const name of ["prompts", "completions"] as const) {
        const { request, success } = routes[name];
        const result = await cannon({
          ...request,
          connections: options.connections,
          duration: options.seconds,
        });
        const succeeded = result.statuses[success] ?? 0;
        totals[name].responses += succeeded;
        totals[name].seconds += result.seconds;
        totals[name].p50.push(result.latencyP50Ms);
        failures += result.responses - succeeded + result.errors;
      }
    }
    const perSecond = (name: keyof typeof totals) => totals[name].responses / totals[name].seconds;
    const p50 = (name: keyof typeof totals) => Math.max(...totals[name].p50);
    return {
      promptsPerSecond: Math.round(perSecond("prompts")),
      completionsPerSecond: Math.round(perSecond("completions")),
      ratio: round(perSecond("completions") / perSecond("prompts")),
      promptsP50Ms: p50("prompts"),
      completionsP50Ms: p50("completions"),
      failures,
    };
  } finally {
    await target.stop();
  }
}
