import {
  createPrompt,
  createTestSchema,
  registerUser,
  startServer,
  type TestSchema,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("GET /api/usage", () => {
  let server: TestServer;
  let alice: TestUser;
  beforeAll(async () => {
    server = await startServer({ listen: false, answerReuseMinScore: 0.5 });
    alice = await registerUser(server.app);
  });
  afterAll(() => server?.close());

  const usage = (user: TestUser, query = "") =>
    server.app.inject({ method: "GET", url: `/api/usage${query}`, headers: user.headers });

  it("counts the caller's prompts, model calls, reused answers and tokens per UTC day, and has no budget by default", async () => {
    const fresh = await registerUser(server.app);
    expect((await usage(fresh)).json()).toEqual({
      days: [],
      total: { prompts: 0, model_calls: 0, reused: 0, prompt_tokens: 0, completion_tokens: 0 },
      budget: null,
    });
    expect((await createPrompt(server.app, fresh, "How do I reset my router password?")).statusCode).toBe(
      201,
    );
    const reused = await createPrompt(server.app, fresh, "How do I reset my router password?");
    expect(reused.json().reused_from).not.toBeNull();
    const report = (await usage(fresh)).json();
    const today = new Date().toISOString().slice(0, 10);
    expect(report.days).toHaveLength(1);
    expect(report.days[0]).toMatchObject({ date: today, prompts: 2, model_calls: 1, reused: 1 });
    const { date: _date, ...counts } = report.days[0];
    expect(report.total).toEqual(counts);
    // The mock reports no usage: its tokens are counted here, and only the model's call costs any.
    const stored = await server.storage.prompts.list(fresh.id, { limit: 10 });
    const spent = stored.reduce((sum, prompt) => sum + prompt.promptTokens + prompt.completionTokens, 0);
    expect(report.total.prompt_tokens + report.total.completion_tokens).toBe(spent);
    expect(stored.find((prompt) => prompt.reusedFrom !== null)).toMatchObject({
      promptTokens: 0,
      completionTokens: 0,
    });
  });

  it("shows only the caller's days, newest first, within ?days", async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    // A prompt of 40 days ago, stored through the real storage as an import would.
    await server.storage.prompts.insert({
      userId: alice.id,
      prompt: "old",
      response: "old",
      model: "mock",
      createdAt: old,
    });
    await createPrompt(server.app, alice, "today");
    const last30 = (await usage(alice)).json();
    expect(last30.days.map((day: { date: string }) => day.date)).toEqual([
      new Date().toISOString().slice(0, 10),
    ]);
    const last60 = (await usage(alice, "?days=60")).json();
    expect(last60.days.map((day: { date: string }) => day.date)).toEqual([
      new Date().toISOString().slice(0, 10),
      old.toISOString().slice(0, 10),
    ]);
    const other = await registerUser(server.app);
    expect((await usage(other, "?days=366")).json().days).toEqual([]);
  });

  it.each(["0", "367", "x", "-1"])("refuses ?days=%s with 400", async (days) => {
    const response = await usage(alice, `?days=${days}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "invalid", fields: { days: expect.any(Array) } });
  });

  it("needs a credential", async () => {
    expect((await server.app.inject({ method: "GET", url: "/api/usage" })).statusCode).toBe(401);
  });
});

describe("USER_TOKEN_BUDGET, shared by two instances on PostgreSQL", () => {
  let schema: TestSchema;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    schema = await createTestSchema("budget");
    first = await startServer({ database: schema, listen: false, userTokenBudget: "100/day" });
    second = await startServer({ database: schema, listen: false, userTokenBudget: "100/day" });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await schema?.drop();
  });

  it("admits prompts until the day's tokens are spent, then answers 429 quota_exceeded until the next UTC day, on every instance", async () => {
    const user = await registerUser(first.app);
    // Each mock answer costs some tokens: spend on alternate instances until one request is refused.
    let admitted = 0;
    let refused: Awaited<ReturnType<typeof createPrompt>> | undefined;
    for (let i = 0; i < 50 && !refused; i++) {
      const response = await createPrompt(
        i % 2 ? second.app : first.app,
        user,
        `tell me about the number ${i}`,
      );
      if (response.statusCode === 201) admitted++;
      else refused = response;
    }
    expect(admitted).toBeGreaterThan(1);
    expect(refused?.statusCode).toBe(429);
    const tomorrow = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`).getTime() + 86_400_000;
    expect(refused?.json()).toEqual({
      code: "quota_exceeded",
      detail: expect.stringContaining(new Date(tomorrow).toISOString()),
    });
    const retryAfter = Number(refused?.headers["retry-after"]);
    expect(Math.abs(Date.now() + retryAfter * 1000 - tomorrow)).toBeLessThan(5_000);
    // Only the answer in flight when the limit was reached went over it.
    const report = (
      await second.app.inject({ method: "GET", url: "/api/usage", headers: user.headers })
    ).json();
    expect(report.budget).toEqual({
      limit: 100,
      used: expect.any(Number),
      resets_at: new Date(tomorrow).toISOString(),
    });
    const spent = report.total.prompt_tokens + report.total.completion_tokens;
    expect(report.budget.used).toBe(spent);
    const stored = await first.storage.prompts.list(user.id, { limit: 100 });
    const last = stored[0];
    expect(spent - (last ? last.promptTokens + last.completionTokens : 0)).toBeLessThan(100);
    // Both instances refuse, and another user is unaffected.
    for (const app of [first.app, second.app])
      expect((await createPrompt(app, user, "more")).statusCode).toBe(429);
    const other = await registerUser(second.app);
    expect((await createPrompt(first.app, other, "mine")).statusCode).toBe(201);
  });
});
