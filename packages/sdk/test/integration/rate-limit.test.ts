import { PromptClient, PromptServiceError, RateLimitError } from "@prompt-service/sdk";
import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPrompts, loggedInClient } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  // The limits of `npm start`; testkit servers are unthrottled otherwise.
  server = await startServer({ promptRateLimits: "1/s,10/min" });
});
afterAll(() => server.close());

describe("throttling of prompts.create", () => {
  // Two prompts sent together: the throttle counts each as it arrives, before the model answers, so the second is
  // refused whatever the model takes to answer the first.
  it("turns a 429 into a RateLimitError with retryAfter in seconds when retries are off", async () => {
    const { client } = await loggedInClient(server, { maxRetries: 0 });
    const outcomes = await Promise.allSettled([
      client.prompts.create({ prompt: "first" }),
      client.prompts.create({ prompt: "second" }),
    ]);
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(refused).toHaveLength(1);
    const [error] = refused;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: "throttled",
      detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds?\.$/),
    });
    expect((error as RateLimitError).retryAfter).toBeGreaterThanOrEqual(1);
    expect((error as RateLimitError).headers?.get("ratelimit-limit")).toBe("1");
  });

  it("gives an answer's RateLimit-* and x-request-id headers through withResponse()", async () => {
    const { client } = await loggedInClient(server);
    const { data, response } = await client.prompts.create({ prompt: "counted" }).withResponse();
    expect(data).toMatchObject({ prompt: "counted" });
    expect(response.status).toBe(201);
    expect(response.headers.get("ratelimit-limit")).toBe("1");
    expect(response.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
    expect(response.headers.get("x-request-id")).toMatch(/.+/);
  });

  it("waits out Retry-After by itself and succeeds, each prompt stored once", async () => {
    const { client } = await loggedInClient(server);
    const started = Date.now();
    const created = await Promise.all(["first", "second"].map((prompt) => client.prompts.create({ prompt })));
    expect(created.map((prompt) => prompt.prompt)).toEqual(["first", "second"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await allPrompts(client)).toHaveLength(2);
  });
});

describe("maxRetryAfter", () => {
  let tight: TestServer;
  beforeAll(async () => {
    // One login per username a minute: a second one is told to wait the rest of the minute.
    tight = await startServer({ loginRateLimits: "1/min" });
  });
  afterAll(() => tight.close());

  it("gives up at once with RateLimitError when the server asks for a longer wait", async () => {
    const user = await registerUser(tight.app); // the username's one login of the minute
    const client = new PromptClient({ baseUrl: tight.url, maxRetryAfter: 5 });
    const started = Date.now();
    const error = await client.auth
      .login({ username: user.username, password: user.password })
      .catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "throttled" });
    expect((error as RateLimitError).retryAfter).toBeGreaterThan(5);
  });

  it("must be a number of seconds, 0 or more", () => {
    expect(() => new PromptClient({ baseUrl: tight.url, maxRetryAfter: -1 })).toThrow(
      new PromptServiceError("maxRetryAfter must be a number of seconds, 0 or more, got -1."),
    );
  });
});
