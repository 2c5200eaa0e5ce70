import {
  createPrompt,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
let alice: TestUser;

beforeAll(async () => {
  server = await startServer({ listen: false, exportRateLimits: "100/min" });
  alice = await registerUser(server.app);
});
afterAll(() => server.close());

const exportOf = (user: TestUser) =>
  server.app.inject({ method: "GET", url: "/api/prompts/export", headers: user.headers });
const importInto = (user: TestUser, body: string) =>
  server.app.inject({
    method: "POST",
    url: "/api/prompts/import",
    headers: { ...user.headers, "content-type": "application/x-ndjson" },
    payload: body,
  });
const linesOf = (body: string) =>
  body
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("GET /api/prompts/export", () => {
  it("streams every prompt of the caller, oldest first, as NDJSON with model and usage", async () => {
    const texts = ["first question", "second question", "third question"];
    for (const text of texts) expect((await createPrompt(server.app, alice, text)).statusCode).toBe(201);
    const other = await registerUser(server.app);
    await createPrompt(server.app, other, "not alice's");
    const response = await exportOf(alice);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    const lines = linesOf(response.body);
    expect(lines.map((line) => line.prompt)).toEqual(texts);
    expect(lines[0]).toEqual({
      id: expect.any(Number),
      prompt: "first question",
      response: "[mocked-llm_response] first question",
      created_at: expect.any(String),
      reused_from: null,
      model: "mock",
      usage: {
        prompt_tokens: expect.any(Number),
        completion_tokens: expect.any(Number),
        estimated: expect.any(Boolean),
      },
    });
  });

  it("is throttled per user (EXPORT_RATE_LIMITS)", async () => {
    const throttled = await startServer({ listen: false, exportRateLimits: "2/min" });
    try {
      const user = await registerUser(throttled.app);
      const get = () =>
        throttled.app.inject({ method: "GET", url: "/api/prompts/export", headers: user.headers });
      expect((await get()).statusCode).toBe(200);
      expect((await get()).statusCode).toBe(200);
      const third = await get();
      expect(third.statusCode).toBe(429);
      expect(Number(third.headers["retry-after"])).toBeGreaterThan(0);
    } finally {
      await throttled.close();
    }
  });
});

describe("POST /api/prompts/import", () => {
  it("recreates an export in another account without calling the model, keeps created_at, and imports nothing twice", async () => {
    const source = await registerUser(server.app);
    for (const text of ["how do solar panels work", "recipe for lentil soup"])
      await createPrompt(server.app, source, text);
    const exported = (await exportOf(source)).body;
    const target = await registerUser(server.app);
    const imported = await importInto(target, exported);
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toEqual({ imported: 2, skipped: 0 });
    const mine = linesOf((await exportOf(target)).body);
    const theirs = linesOf(exported);
    const comparable = (line: { prompt: string; response: string; created_at: string; model: string }) => ({
      prompt: line.prompt,
      response: line.response,
      created_at: line.created_at,
      model: line.model,
    });
    expect(mine.map(comparable)).toEqual(theirs.map(comparable));
    // No model call: the usage of the day shows no prompts stored by this server's model.
    const usage = (
      await server.app.inject({ method: "GET", url: "/api/usage", headers: target.headers })
    ).json();
    expect(usage.total.model_calls).toBe(0);
    expect((await importInto(target, exported)).json()).toEqual({ imported: 0, skipped: 2 });
    // Search finds the imported prompts once their vectors are computed here.
    await expect
      .poll(async () => {
        const found = await server.app.inject({
          method: "GET",
          url: "/api/prompts/similar?q=photovoltaic%20solar%20panels&k=1",
          headers: target.headers,
        });
        return found.json().results[0]?.prompt;
      })
      .toBe("how do solar panels work");
  });

  it.each([
    [
      "not JSON",
      '{"prompt": "ok", "response": "r", "created_at": "2024-01-01T00:00:00.000Z"}\n{oops',
      "line 2",
    ],
    [
      "a missing field",
      '{"prompt": "no answer", "created_at": "2024-01-01T00:00:00.000Z"}',
      "line 1: response",
    ],
    ["a bad date", '{"prompt": "p", "response": "r", "created_at": "yesterday"}', "line 1: created_at"],
    [
      "an empty prompt",
      '{"prompt": "", "response": "r", "created_at": "2024-01-01T00:00:00.000Z"}',
      "line 1: prompt",
    ],
  ])("refuses %s with 400 naming the line, and stores nothing of the request", async (_kind, body, field) => {
    const user = await registerUser(server.app);
    const response = await importInto(
      user,
      `{"prompt": "good line", "response": "r", "created_at": "2024-01-01T00:00:00.000Z"}\n${body}`,
    );
    expect(response.statusCode).toBe(400);
    const expected = field.replace(/^line (\d+)/, (_match, n) => `line ${Number(n) + 1}`);
    expect(Object.keys(response.json().fields)).toContain(expected);
    expect(
      (await server.app.inject({ method: "GET", url: "/api/prompts", headers: user.headers })).json().results,
    ).toEqual([]);
  });

  it("takes only NDJSON, and needs a credential", async () => {
    const json = await server.app.inject({
      method: "POST",
      url: "/api/prompts/import",
      headers: alice.headers,
      payload: { prompt: "x" },
    });
    expect(json.statusCode).toBe(400);
    const anonymous = await server.app.inject({
      method: "POST",
      url: "/api/prompts/import",
      headers: { "content-type": "application/x-ndjson" },
      payload: "",
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
