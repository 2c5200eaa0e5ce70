/**
 * An open-loop load generator in a process of its own (started by paced-load.ts): many independent clients, each
 * with its own headers (its own key) and its own keep-alive connections, each sending one POST every `intervalMs`
 * on its own schedule (client i at phase i/n of the interval), whatever the answers' latency. A request is due at
 * a fixed time; the time it was actually sent, minus that, is the generator's lateness, reported with its event
 * loop's delay and its CPU so that one can tell the generator was not the bottleneck. Latency is from the send to
 * the last byte of the body. The warm-up is the same load, not counted.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Pool } from "undici";
import type { PacedLoadConfig, PacedLoadResult, Summary } from "./paced-load.js";
import { PromptTexts } from "./texts.js";

function summary(samples: number[]): Summary {
  if (samples.length === 0)
    return { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
  const r = (value: number) => Number(value.toFixed(2));
  return {
    p50: r(at(0.5)),
    p90: r(at(0.9)),
    p99: r(at(0.99)),
    max: r(sorted[sorted.length - 1] as number),
    mean: r(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

async function run(config: PacedLoadConfig): Promise<PacedLoadResult> {
  const n = config.clients.length;
  const pools = config.clients.map(
    () =>
      new Pool(config.origin, {
        connections: config.connectionsPerClient,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
      }),
  );
  const texts = config.clients.map((_, index) => new PromptTexts(config.textSeed + index, `c${index}x`));
  const latencies: number[] = [];
  const lateness: number[] = [];
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const warmup = { sent: 0, ok: 0 };
  let sent = 0;
  const inFlight = new Set<Promise<void>>();

  const begin = performance.now() + 100;
  const measureFrom = begin + config.warmupSeconds * 1000;
  const end = measureFrom + config.seconds * 1000;
  const LOOP_RESOLUTION_MS = 5;
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let measureStarted = 0;
  const startMeasuring = setTimeout(
    () => {
      loop.enable();
      cpuAtStart = process.cpuUsage();
      measureStarted = performance.now();
    },
    Math.max(0, measureFrom - performance.now()),
  );

  async function send(client: number, scheduled: number): Promise<void> {
    const measured = scheduled >= measureFrom;
    const sentAt = performance.now();
    if (measured) {
      sent++;
      lateness.push(Math.max(0, sentAt - scheduled));
    } else warmup.sent++;
    const body = JSON.stringify({
      model: config.model,
      messages: [{ role: "user", content: (texts[client] as PromptTexts).next() }],
    });
    try {
      const response = await (pools[client] as Pool).request({
        method: "POST",
        path: config.path,
        headers: { "content-type": "application/json", ...config.clients[client] },
        body,
      });
      await response.body.text();
      const elapsed = performance.now() - sentAt;
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (!measured) {
        if (ok) warmup.ok++;
        return;
      }
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      if (ok) latencies.push(elapsed);
    } catch (error) {
      if (!measured) return;
      const code = (error as { code?: string }).code ?? (error as Error).name ?? "error";
      errors[code] = (errors[code] ?? 0) + 1;
    }
  }

  const timers = new Set<NodeJS.Timeout>();
  function schedule(client: number, k: number): void {
    const due = begin + (client / n) * config.intervalMs + k * config.intervalMs;
    if (due >= end) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        const request = send(client, due);
        inFlight.add(request);
        void request.finally(() => inFlight.delete(request));
        schedule(client, k + 1);
      },
      Math.max(0, due - performance.now()),
    );
    timers.add(timer);
  }
  for (let client = 0; client < n; client++) schedule(client, 0);
  while (performance.now() < end || timers.size > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const measuredWallMs = performance.now() - measureStarted;
  loop.disable();
  clearTimeout(startMeasuring);
  await Promise.allSettled([...inFlight]);
  await Promise.all(pools.map((pool) => pool.close()));
  const ok = latencies.length;
  const lag = (ns: number) => Number(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS).toFixed(2));
  return {
    label: config.label,
    clients: n,
    seconds: config.seconds,
    sent,
    ok,
    perSecond: Number((ok / config.seconds).toFixed(1)),
    successRate: sent === 0 ? 0 : Number((ok / sent).toFixed(5)),
    statuses,
    errors,
    latencyMs: summary(latencies),
    latenessMs: summary(lateness),
    // The histogram holds the timer's whole interval: its lag is what exceeds the resolution.
    loopDelayMs: {
      p50: lag(loop.percentile(50)),
      p99: lag(loop.percentile(99)),
      max: lag(loop.max),
    },
    generatorCpuPercent: Number((((cpu.user + cpu.system) / 1000 / measuredWallMs) * 100).toFixed(1)),
    warmup,
  };
}

process.on("message", async (message: { type: "run"; config: PacedLoadConfig }) => {
  if (message.type !== "run") return;
  try {
    process.send?.({ type: "result", result: await run(message.config) });
  } catch (error) {
    process.send?.({ type: "error", error: (error as Error).stack ?? String(error) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });
