import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
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
let bob: TestUser;

beforeAll(async () => {
  server = await startServer({ listen: false, promptMaxLength: 50, bodyLimit: 4096 });
  alice = await registerUser(server.app);
  bob = await registerUser(server.app);
});
afterAll(() => server.close());

const create = (user: TestUser, body: unknown) => createPrompt(server.app, user, body);

describe("POST /api/prompts", () => {
  it("answers with the mock model, stores the prompt and returns 201 {id, prompt, response, created_at, reused_from}", async () => {
    const response = await create(alice, { prompt: "  hola mundo  ", websocket: false });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(Number),
      prompt: "hola mundo",
      response: "[mocked-llm_response] hola mundo",
      created_at: expect.any(String),
      reused_from: null,
    });
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
    expect(await server.storage.prompts.get(alice.id, body.id)).toMatchObject({
      prompt: "hola mundo",
      model: "mock",
    });
  });

  it("also answers at /api/prompts/", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/prompts/",
      headers: alice.headers,
      payload: { prompt: "with slash" },
    });
    expect(response.statusCode).toBe(201);
  });

  it.each([
    [{}, "prompt"],
    [{ prompt: "" }, "prompt"],
    [{ prompt: "   \n\t " }, "prompt"],
    [{ prompt: 42 }, "prompt"],
    [{ prompt: null }, "prompt"],
    [{ prompt: ["a"] }, "prompt"],
    [{ prompt: "x".repeat(51) }, "prompt"],
    [{ prompt: "ok", websocket: "yes" }, "websocket"],
  ])("rejects %j with 400 naming %s and stores nothing", async (payload, field) => {
    const before = await server.storage.prompts.list(alice.id, { limit: 1000 });
    const response = await create(alice, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "invalid", fields: { [field]: expect.any(Array) } });
    expect(await server.storage.prompts.list(alice.id, { limit: 1000 })).toHaveLength(before.length);
  });

  it("refuses a prompt holding a NUL character with 400 before asking the model", async () => {
    const response = await create(alice, "before\u0000after");
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "invalid",
      fields: { prompt: ["Null characters are not allowed."] },
    });
  });

  it("counts the length limit in characters after trimming, not in UTF-16 units", async () => {
    const emoji = "😀".repeat(50); // 50 characters, 100 UTF-16 code units
    expect((await create(alice, { prompt: `  ${emoji}  ` })).statusCode).toBe(201);
  });

  it("rejects a body that is not an object", async () => {
    const response = await create(alice, ["prompt"]);
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toHaveProperty("non_field_errors");
  });

  it("answers 401 to an anonymous caller before looking at the body", async () => {
    const response = await server.app.inject({ method: "POST", url: "/api/prompts", payload: { nope: 1 } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe("not_authenticated");
  });

  it("answers 415 to a body that is not JSON", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/prompts",
      headers: { ...alice.headers, "content-type": "text/plain" },
      payload: "hola",
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({ detail: expect.any(String), code: "unsupported_media_type" });
  });

  it("answers 400 to malformed JSON and to an empty JSON body", async () => {
    for (const payload of ['{"prompt":', ""]) {
      const response = await server.app.inject({
        method: "POST",
        url: "/api/prompts",
        headers: { ...alice.headers, "content-type": "application/json" },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe("parse_error");
    }
  });

  it("answers 413 to a body over the limit", async () => {
    const response = await create(alice, { prompt: "x".repeat(10_000) });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe("payload_too_large");
  });
});

describe("GET /api/prompts and /api/prompts/:id", () => {
  it("lists only the caller's prompts, newest first, with a cursor to the next page", async () => {
    const user = await registerUser(server.app);
    const created: number[] = [];
    for (const text of ["one", "two", "three", "four", "five"]) {
      created.push((await create(user, { prompt: text })).json().id);
    }
    await create(bob, { prompt: "bob's secret" });

    const seen: number[] = [];
    let url = "/api/prompts?limit=2";
    for (let pages = 0; pages < 10; pages++) {
      const response = await server.app.inject({ method: "GET", url, headers: user.headers });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      seen.push(...page.results.map((prompt: { id: number }) => prompt.id));
      if (!page.next) break;
      url = `/api/prompts?limit=2&cursor=${page.next}`;
    }
    expect(seen).toEqual([...created].reverse());
  });

  it("returns the caller's own prompt and 404 for another user's", async () => {
    const own = (await create(alice, { prompt: "mine" })).json();
    const mine = await server.app.inject({
      method: "GET",
      url: `/api/prompts/${own.id}`,
      headers: alice.headers,
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual(own);
    const theirs = await server.app.inject({
      method: "GET",
      url: `/api/prompts/${own.id}`,
      headers: bob.headers,
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual({ detail: "Prompt not found.", code: "not_found" });
  });

  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  it.each([
    "/api/prompts?cursor=garbage",
    `/api/prompts?cursor=${forged(["0000-01-01T00:00:00Z", 1])}`,
    `/api/prompts?cursor=${forged(["+275760-09-13T00:00:00.000Z", 1])}`,
    `/api/prompts?cursor=${forged(["2026-01-01T00:00:00.000Z", 0])}`,
    `/api/prompts?cursor=${forged(["2026-01-01T00:00:00.000Z", 1, "extra"])}`,
    `/api/prompts?cursor=${forged({ createdAt: "2026-01-01T00:00:00.000Z", id: 1 })}`,
    "/api/prompts?limit=0",
    "/api/prompts?limit=1000",
    "/api/prompts/abc",
  ])("answers 400 to %s", async (url) => {
    const response = await server.app.inject({ method: "GET", url, headers: alice.headers });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("invalid");
  });
});

describe("errors outside the routes", () => {
  it("answers 404 JSON for an unknown route", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/nothing-here" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: "No route for GET /api/nothing-here.", code: "not_found" });
  });

  it("echoes X-Request-Id", async () => {
    const response = await server.app.inject({
      method: "GET",
      url: "/api/nothing",
      headers: { "x-request-id": "abc-123" },
    });
    expect(response.headers["x-request-id"]).toBe("abc-123");
  });
});

describe("a failing language model provider", () => {
  let provider: Server;
  let failing: TestServer;
  let user: TestUser;

  beforeAll(async () => {
    // A real OpenAI-compatible endpoint that fails: 500 on chat completions, and hangs for "slow" prompts.
    provider = createHttpServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        if (body.includes("slow")) return; // never answers
        response.writeHead(500, { "content-type": "application/json" }).end('{"error":{"message":"boom"}}');
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    const { port } = provider.address() as AddressInfo;
    failing = await startServer({
      listen: false,
      openaiApiKey: "sk-test-key-never-logged",
      openaiBaseUrl: `http://127.0.0.1:${port}/v1`,
      llmTimeout: "1s",
    });
    user = await registerUser(failing.app);
  });
  afterAll(async () => {
    await failing.close();
    provider.closeAllConnections();
    await new Promise((resolve) => provider.close(resolve));
  });

  it("answers 502 and stores nothing when the provider fails", async () => {
    const response = await createPrompt(failing.app, user, "hola");
    expect(response.statusCode).toBe(502);
    expect(response.json().code).toBe("llm_error");
    expect(response.body).not.toContain("sk-test-key");
    expect(await failing.storage.prompts.list(user.id, { limit: 10 })).toEqual([]);
  });

  it("answers 504 within the configured timeout when the provider hangs, and stores nothing", async () => {
    const started = Date.now();
    const response = await createPrompt(failing.app, user, "slow please");
    expect(response.statusCode).toBe(504);
    expect(response.json().code).toBe("llm_timeout");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await failing.storage.prompts.list(user.id, { limit: 10 })).toEqual([]);
  });
});
