import { spawnSync } from "node:child_process";
import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Metrics } from "../../src/observability/metrics.js";

/** `promtool check metrics` on an exposition: its findings, or "" when it has none. Prometheus' own linter. */
function promtool(exposition: string): string {
  const result = spawnSync("promtool", ["check", "metrics"], { input: exposition, encoding: "utf8" });
  if (result.error) {
    throw new Error(`promtool is missing: run \`apt-get install -y prometheus\` (${result.error.message})`);
  }
  return `${result.stdout}${result.stderr}`.trim() || (result.status === 0 ? "" : `exit ${result.status}`);
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ listen: false });
});
afterAll(() => server.close());

it("passes `promtool check metrics` with no finding, every labelled family filled in", async () => {
  const alice = await registerUser(server.app);
  await server.app.inject({
    method: "POST",
    url: "/api/prompts",
    headers: alice.headers,
    payload: { prompt: "hi" },
  });
  await server.app.inject({ url: "/api/prompts/123", headers: alice.headers });
  await server.app.inject({ url: "/no/such/route" });
  const metrics = new Metrics();
  metrics.llmRequestDuration.startTimer({ provider: "mock" })({ outcome: "success" });
  metrics.throttledRequests.inc({ route: "/api/prompts" });
  expect(promtool((await server.app.inject({ url: "/metrics" })).body)).toBe("");
  expect(promtool(await metrics.exposition())).toBe("");
});
