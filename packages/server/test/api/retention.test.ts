import {
  createTestSchema,
  registerUser,
  startServer,
  type TestSchema,
  type TestServer,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";

let schema: TestSchema;
let server: TestServer | undefined;

beforeAll(async () => {
  schema = await createTestSchema("retention");
});
afterAll(async () => {
  await server?.close();
  await schema.drop();
});

it("PROMPT_RETENTION deletes older prompts in the background (a sweep at start, then each minute), from history, search and the index, and counts them", async () => {
  const day = 86_400_000;
  // A first server registers the user and stores prompts of 40 and 31 days ago (as an import keeps them) and one
  // of today; the server started next with PROMPT_RETENTION=30d sweeps at start.
  const before = await startServer({ database: schema, listen: false });
  const user = await registerUser(before.app);
  for (const [text, age] of [
    ["an old question about volcanoes", 40 * day],
    ["another old one about glaciers", 31 * day],
    ["a recent question about volcanoes", 0],
  ] as const) {
    await before.storage.prompts.insert({
      userId: user.id,
      prompt: text,
      response: "an answer",
      model: "mock",
      createdAt: new Date(Date.now() - age),
    });
  }
  await before.close();

  server = await startServer({ database: schema, listen: false, promptRetention: "30d" });
  const app = server.app;
  await expect
    .poll(async () => {
      const history = (
        await app.inject({ method: "GET", url: "/api/prompts?limit=10", headers: user.headers })
      ).json();
      return history.results.map((prompt: { prompt: string }) => prompt.prompt);
    })
    .toEqual(["a recent question about volcanoes"]);
  const search = (
    await app.inject({ method: "GET", url: "/api/prompts/similar?q=volcanoes&k=5", headers: user.headers })
  ).json();
  expect(search.results.map((result: { prompt: string }) => result.prompt)).toEqual([
    "a recent question about volcanoes",
  ]);
  const metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
  expect(metrics).toMatch(/^prompts_expired_total 2$/m);
});
