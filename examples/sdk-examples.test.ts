import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExample as runExampleWith } from "./support/example-process.js";

let server: TestServer;
beforeAll(async () => {
  // Throttled as `npm start` is, so that the examples show what a user gets.
  server = await startServer({ promptRateLimits: "1/s,10/min" });
});
afterAll(() => server.close());

const runExample = (file: string) => runExampleWith(file, { PROMPT_SERVER: server.url });

describe("SDK examples", () => {
  it("sdk-quickstart.ts signs up, asks, reads back, handles an error, lists and logs out", async () => {
    const output = await runExample("sdk-quickstart.ts");
    expect(output).toMatch(/^logged in as demo_\w+$/m);
    expect(output).toMatch(/^#(\d+) hola mundo -> \[mocked-llm_response\] hola mundo$/m);
    expect(output).toMatch(/^read back: \[mocked-llm_response\] hola mundo$/m);
    expect(output).toMatch(/^not found: not_found \(.+\)$/m);
    expect(output).toMatch(/^history: #\d+ hola mundo$/m);
    expect(output).toMatch(/^logged out$/m);
  });

  it("sdk-watch.ts shows the deltas of an answer, then the whole answer", async () => {
    const output = await runExample("sdk-watch.ts");
    expect(output).toMatch(/^delta 0: "\[mocked-llm_response\] .*"$/m);
    expect(output).toMatch(/^delta 1: ".+"$/m);
    expect(output).toMatch(/^completed #\d+: \[mocked-llm_response\] stream me an answer$/m);
  });

  it("sdk-search.ts lists the closest earlier prompts with scores", async () => {
    const output = await runExample("sdk-search.ts");
    expect(output).toMatch(/^closest to "what's the weather like":$/m);
    expect(output.match(/^-?\d\.\d{3} #\d+ .+$/gm)).toHaveLength(2);
  });
});
