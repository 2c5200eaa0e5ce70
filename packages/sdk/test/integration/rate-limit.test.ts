import { RateLimitError } from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedInClient } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  // The limits of `npm start`; testkit servers are unthrottled otherwise.
  server = await startServer({ promptRateLimits: "1/s,10/min" });
});
afterAll(() => server.close());

describe("throttling of prompts.create", () => {
  it("turns a 429 into a RateLimitError with retryAfter in seconds, without retrying by itself", async () => {
    const { client } = await loggedInClient(server);
    await client.prompts.create({ prompt: "first" });
    const error = await client.prompts.create({ prompt: "second" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: "throttled",
      detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds?\.$/),
    });
    expect((error as RateLimitError).retryAfter).toBeGreaterThanOrEqual(1);
  });

  it("waits out Retry-After and succeeds when the caller opts into retries", async () => {
    const { client } = await loggedInClient(server);
    await client.prompts.create({ prompt: "first" });
    const started = Date.now();
    await expect(client.prompts.create({ prompt: "second" }, { maxRetries: 2 })).resolves.toMatchObject({
      prompt: "second",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
