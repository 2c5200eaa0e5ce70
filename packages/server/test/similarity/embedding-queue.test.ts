import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A distinct query of about 1,500 characters: long texts keep the model busy, distinct ones defeat its cache. */
const longQuery = (seed: number) =>
  Array.from({ length: 150 }, (_, index) => `word${(seed * 7919 + index * 104_729) % 100_000}`).join(" ");

const search = (server: TestServer, user: TestUser, query: string) =>
  server.app.inject({
    method: "GET",
    url: `/api/prompts/similar?q=${encodeURIComponent(query)}`,
    headers: user.headers,
  });

describe("the embedding queue behind GET /api/prompts/similar", () => {
  let server: TestServer;
  let flooder: TestUser;
  let bystander: TestUser;

  beforeAll(async () => {
    // At most 2 waiting per user, 4 in all: a flood of one user fills its share at once.
    server = await startServer({ listen: false, embeddingThreads: 1, embeddingQueueLimit: "4,2" });
    flooder = await registerUser(server.app);
    bystander = await registerUser(server.app);
  });
  afterAll(() => server.close());

  it("answers a flood past the bound with 503 and Retry-After at once, and still serves another user", async () => {
    const flood = Array.from({ length: 30 }, (_, index) => search(server, flooder, longQuery(index)));
    const bystanders = await search(server, bystander, "how do I bake bread");
    const answers = await Promise.all(flood);

    expect(bystanders.statusCode).toBe(200);
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    const refused = answers.filter((answer) => answer.statusCode === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.json()).toMatchObject({ code: "service_unavailable" });
      expect(answer.json().detail).toMatch(/try again/);
      expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }

    const metrics = await server.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(new RegExp(`embedding_rejections_total ${refused.length}\\b`));
  });
});

describe("the embedding queue while many users post prompts", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ listen: false, embeddingThreads: 1, embeddingQueueLimit: "4,2" });
  });
  afterAll(() => server.close());

  it("answers another user's searches: the vectors of stored prompts do not count against the searches' bound", async () => {
    const writers = await Promise.all(Array.from({ length: 12 }, () => registerUser(server.app)));
    const bystander = await registerUser(server.app);
    const posts = writers.map((writer, index) =>
      server.app.inject({
        method: "POST",
        url: "/api/prompts",
        headers: writer.headers,
        payload: { prompt: longQuery(index).slice(0, 400) },
      }),
    );
    expect((await Promise.all(posts)).map((answer) => answer.statusCode)).toEqual(posts.map(() => 201));
    // The prompts' vectors are now being computed by the one worker, more of them than the searches' bound.
    const answer = await search(server, bystander, "how do I bake bread");
    expect(answer.statusCode).toBe(200);
  }, 60_000);
});
