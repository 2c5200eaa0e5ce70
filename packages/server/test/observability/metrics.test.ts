import { loadConfig } from "@prompt-service/server";
import {
  createPrompt,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Metrics } from "../../src/observability/metrics.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;

/** A strict reading of the Prometheus text format 0.0.4: throws on any line it does not recognise. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a metrics line: ${JSON.stringify(line)}`);
    // Go's ParseFloat, which Prometheus uses, reads NaN in any case (prom-client writes "Nan").
    const value = /^nan$/i.test(sample[3] as string)
      ? Number.NaN
      : Number(sample[3]?.replace(/Inf$/, "Infinity"));
    if (Number.isNaN(value) && !/^nan$/i.test(sample[3] as string)) {
      throw new Error(`not a number: ${JSON.stringify(line)}`);
    }
    const labels = Object.fromEntries([...(sample[2] ?? "").matchAll(LABEL)].map((m) => [m[1], m[2]]));
    samples.push({ name: sample[1] as string, labels, value });
  }
  return { samples, types };
}

let server: TestServer;
let alice: TestUser;

beforeAll(async () => {
  server = await startServer({ listen: false });
  alice = await registerUser(server.app);
});
afterAll(() => server.close());

const scrape = async (target: TestServer = server) => {
  const response = await target.app.inject({ url: "/metrics" });
  expect(response.statusCode).toBe(200);
  return response;
};
const samplesOf = async (name: string, target: TestServer = server) =>
  parseExposition((await scrape(target)).body).samples.filter((sample) => sample.name === name);
const requestCount = async (labels: Record<string, string>) =>
  (await samplesOf("http_request_duration_seconds_count"))
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);

describe("GET /metrics", () => {
  it("answers in the Prometheus text format, with HELP and TYPE for every family", async () => {
    const response = await scrape();
    expect(response.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const { samples, types } = parseExposition(response.body);
    expect(samples.length).toBeGreaterThan(50);
    expect(types.get("http_request_duration_seconds")).toBe("histogram");
  });

  it("has the service's metrics and the process's", async () => {
    const { types } = parseExposition((await scrape()).body);
    expect(Object.fromEntries(types)).toMatchObject({
      http_request_duration_seconds: "histogram",
      prompts_created_total: "counter",
      llm_request_duration_seconds: "histogram",
      embedding_duration_seconds: "histogram",
      similarity_search_duration_seconds: "histogram",
      vector_index_size: "gauge",
      index_resident_users: "gauge",
      index_resident_bytes: "gauge",
      index_loads_total: "counter",
      index_evictions_total: "counter",
      index_load_duration_seconds: "histogram",
      embeddings_stored_total: "counter",
      websocket_connections: "gauge",
      websocket_events_sent_total: "counter",
      throttled_requests_total: "counter",
      ratelimit_store_errors_total: "counter",
      process_cpu_seconds_total: "counter",
      process_resident_memory_bytes: "gauge",
      nodejs_eventloop_lag_seconds: "gauge",
      nodejs_gc_duration_seconds: "histogram",
    });
    for (const [name, type] of types) {
      if (type !== "counter") expect(name, `${type} ${name}`).not.toMatch(/_total$/);
    }
  });

  it("is also served at /metrics/", async () => {
    const response = await server.app.inject({ url: "/metrics/" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("# TYPE prompts_created_total counter");
  });
});

describe("http_request_duration_seconds", () => {
  it("labels a request with its route template, never the raw path", async () => {
    const before = await requestCount({ route: "/api/prompts/:id", method: "GET", status_code: "404" });
    const response = await server.app.inject({ url: "/api/prompts/987654", headers: alice.headers });
    expect(response.statusCode).toBe(404);
    expect(await requestCount({ route: "/api/prompts/:id", method: "GET", status_code: "404" })).toBe(
      before + 1,
    );
    expect((await scrape()).body).not.toContain("987654");
  });

  it("counts the slash twin under the documented spelling", async () => {
    const before = await requestCount({ route: "/api/prompts/:id" });
    await server.app.inject({ url: "/api/prompts/5/", headers: alice.headers });
    expect(await requestCount({ route: "/api/prompts/:id" })).toBe(before + 1);
    expect(await requestCount({ route: "/api/prompts/:id/" })).toBe(0);
  });

  it('labels requests that match no route "unmatched"', async () => {
    const before = await requestCount({ route: "unmatched", status_code: "404" });
    await server.app.inject({ url: "/users/42/secrets" });
    expect(await requestCount({ route: "unmatched", status_code: "404" })).toBe(before + 1);
    expect((await scrape()).body).not.toContain("/users/42");
  });
});

describe("prompts_created_total", () => {
  it("counts each prompt stored, and only those", async () => {
    const [before] = await samplesOf("prompts_created_total");
    const created = await createPrompt(server.app, alice, "count me");
    expect(created.statusCode).toBe(201);
    await createPrompt(server.app, alice, {});
    const [after] = await samplesOf("prompts_created_total");
    expect(after?.value).toBe((before?.value ?? 0) + 1);
  });

  it("is kept per app: two apps in one process do not count into each other", async () => {
    const other = await startServer({ listen: false });
    try {
      const bob = await registerUser(other.app);
      const [before] = await samplesOf("prompts_created_total");
      await createPrompt(other.app, bob, "x");
      expect((await samplesOf("prompts_created_total", other))[0]?.value).toBe(1);
      expect((await samplesOf("prompts_created_total"))[0]?.value).toBe(before?.value);
    } finally {
      await other.close();
    }
  });
});

describe("Metrics", () => {
  it("reads the resident index's vectors, users and bytes when scraped", async () => {
    const metrics = new Metrics();
    let size = 3;
    metrics.observeResidentIndex({ vectors: () => size, users: () => 2, bytes: () => 4096 });
    const text = await metrics.exposition();
    expect(text).toMatch(/^vector_index_size 3$/m);
    expect(text).toMatch(/^index_resident_users 2$/m);
    expect(text).toMatch(/^index_resident_bytes 4096$/m);
    size = 7;
    expect(await metrics.exposition()).toMatch(/^vector_index_size 7$/m);
  });

  it("times language model calls by provider and outcome", async () => {
    const metrics = new Metrics();
    const end = metrics.llmRequestDuration.startTimer({ provider: "mock" });
    end({ outcome: "success" });
    metrics.throttledRequests.inc({ route: "/api/prompts" });
    const text = await metrics.exposition();
    expect(text).toMatch(/^llm_request_duration_seconds_count\{provider="mock",outcome="success"\} 1$/m);
    expect(text).toMatch(/^throttled_requests_total\{route="\/api\/prompts"\} 1$/m);
  });
});

describe("METRICS_TOKEN", () => {
  const token = "metrics-token-0123456789";
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startServer({ listen: false, metricsToken: token });
  });
  afterAll(() => guarded.close());

  const get = (authorization?: string) =>
    guarded.app.inject({ url: "/metrics", headers: authorization ? { authorization } : {} });

  it("lets the scraper with the token in", async () => {
    const response = await get(`Bearer ${token}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("# TYPE prompts_created_total counter");
  });

  it.each([
    ["no Authorization header", undefined],
    ["a wrong token", "Bearer wrong-token"],
    ["a longer token that starts with the right one", `Bearer ${token}x`],
    ["another scheme", `Basic ${Buffer.from(`x:${token}`).toString("base64")}`],
    ["a user's access token instead", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"],
  ])("refuses %s with 401 and the API's error body", async (_case, authorization) => {
    const response = await get(authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: expect.any(String), code: "not_authenticated" });
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="metrics"');
    expect(response.body).not.toContain("process_cpu");
  });

  it("leaves the other routes alone", async () => {
    expect((await guarded.app.inject({ url: "/healthz" })).statusCode).toBe(200);
  });

  it("is documented as the metricsToken security of GET /metrics", async () => {
    const document = (await guarded.app.inject({ url: "/schema" })).json();
    expect(document.paths["/metrics"].get.security).toEqual([{ metricsToken: [] }]);
    expect(document.paths["/metrics"].get.responses["401"]).toBeDefined();
  });

  it("is read from the environment", () => {
    expect(loadConfig({ METRICS_TOKEN: token }).options.metricsToken).toBe(token);
    expect(loadConfig({ METRICS_TOKEN: "" }).options.metricsToken).toBeUndefined();
  });
});
