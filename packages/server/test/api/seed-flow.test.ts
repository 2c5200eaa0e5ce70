import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The original service's README flow (register, login, create a prompt, refresh), over a real port, on both
// storage adapters.
describe.each(["embedded", "postgres"] as const)("the seed README flow on %s storage", (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ database });
  });
  afterAll(() => server.close());

  const json = async <Body = Record<string, string>>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };

  it("registers, logs in, creates a prompt and refreshes", async () => {
    const registered = await json("/api/auth/register/", {
      username: "alice",
      email: "a@b.c",
      password: "secret123",
    });
    expect(registered).toEqual({
      status: 201,
      body: { id: expect.any(Number), username: "alice", email: "a@b.c" },
    });

    const login = await json("/api/auth/login/", { username: "alice", password: "secret123" });
    expect(login.status).toBe(200);

    const created = await json(
      "/api/prompts",
      { prompt: "hola mundo", websocket: false },
      { authorization: `Bearer ${login.body.access}` },
    );
    expect(created).toEqual({
      status: 201,
      body: {
        id: expect.any(Number),
        prompt: "hola mundo",
        response: "[mocked-llm_response] hola mundo",
        created_at: expect.any(String),
        reused_from: null,
      },
    });

    const refreshed = await json("/api/auth/refresh/", { refresh: login.body.refresh });
    expect(refreshed.status).toBe(200);
    const history = await fetch(`${server.url}/api/prompts`, {
      headers: { authorization: `Bearer ${refreshed.body.access}` },
    });
    expect(((await history.json()) as { results: unknown[] }).results).toEqual([created.body]);
  });
});
