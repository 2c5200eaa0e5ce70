import { QuotaExceededError, RateLimitError } from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedInClient } from "../support/clients.js";

const today = () => new Date().toISOString().slice(0, 10);

describe("usage without a budget", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("counts today's prompts and tokens, and says there is no budget", async () => {
    const { client } = await loggedInClient(server);
    await expect(client.usage.get()).resolves.toEqual({
      days: [],
      total: { prompts: 0, model_calls: 0, reused: 0, prompt_tokens: 0, completion_tokens: 0 },
      budget: null,
    });
    await client.prompts.create({ prompt: "count me" });
    const report = await client.usage.get({ days: 7 });
    expect(report.days).toEqual([
      {
        date: today(),
        prompts: 1,
        model_calls: 1,
        reused: 0,
        prompt_tokens: expect.any(Number),
        completion_tokens: expect.any(Number),
      },
    ]);
    expect(report.days[0]?.completion_tokens).toBeGreaterThan(0);
    expect(report.total).toEqual({ ...report.days[0], date: undefined });
  });

  it("refuses days out of range with a ValidationError", async () => {
    const { client } = await loggedInClient(server);
    await expect(client.usage.get({ days: 400 })).rejects.toMatchObject({ status: 400, code: "invalid" });
  });
});

describe("a token budget", () => {
  let server: TestServer;
  beforeAll(async () => {
    // A month's window: its reset is days away, except in the last minute of a month.
    server = await startServer({ userTokenBudget: "10/month" });
  });
  afterAll(() => server.close());

  it("shows where the user stands, and rejects at once with QuotaExceededError once it is spent", async () => {
    const { client } = await loggedInClient(server);
    await client.prompts.create({ prompt: "spend the whole budget in one answer" });
    const { budget } = await client.usage.get();
    expect(budget).toEqual({ limit: 10, used: expect.any(Number), resets_at: expect.any(String) });
    expect(budget?.used).toBeGreaterThanOrEqual(10);
    expect(new Date(budget?.resets_at ?? "").getUTCDate()).toBe(1);

    const started = Date.now();
    const error = await client.prompts.create({ prompt: "one more" }).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "quota_exceeded" });
    expect(String((error as QuotaExceededError).detail)).toContain(budget?.resets_at);
    // Retry-After counts down to the reset the usage report names.
    const retryAt = started + ((error as QuotaExceededError).retryAfter ?? 0) * 1000;
    expect(Math.abs(retryAt - Date.parse(budget?.resets_at ?? ""))).toBeLessThan(5_000);
  });
});
