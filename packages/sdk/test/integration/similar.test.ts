import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedInClient } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("prompts.similar", () => {
  it("returns the caller's closest prompts, best first, with scores, at most k", async () => {
    const { client } = await loggedInClient(server);
    const { client: other } = await loggedInClient(server);
    const texts = ["the weather is sunny today", "how do I bake bread", "hola mundo"];
    const mine = [];
    // Through the API, so that the prompts are indexed as in real use.
    for (const prompt of texts) mine.push(await client.prompts.create({ prompt }));
    await other.prompts.create({ prompt: "the weather is sunny today" });

    const answer = await client.prompts.similar("the weather is sunny today", { k: 2 });
    expect(answer.query).toBe("the weather is sunny today");
    expect(answer.results).toHaveLength(2);
    expect(answer.results[0]).toEqual({ ...mine[0], score: expect.any(Number) });
    const scores = answer.results.map((result) => result.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const myIds = new Set(mine.map((prompt) => prompt.id));
    expect(answer.results.every((result) => myIds.has(result.id))).toBe(true);
  });

  it("returns five results by default", async () => {
    const { client } = await loggedInClient(server);
    for (let n = 0; n < 6; n++) await client.prompts.create({ prompt: `prompt number ${n}` });
    const answer = await client.prompts.similar("prompt number");
    expect(answer.results).toHaveLength(5);
  });
});
