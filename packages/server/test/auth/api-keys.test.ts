import {
  createPrompt,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashKey } from "../../src/auth/api-keys/key-material.js";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startServer({ listen: false });
  alice = await registerUser(server.app);
  bob = await registerUser(server.app);
});
afterAll(() => server.close());

const createKey = (user: TestUser, body: unknown, headers: Record<string, string> = user.headers) =>
  server.app.inject({ method: "POST", url: "/api/keys", headers, payload: body as object });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (token: string) =>
  server.app.inject({ method: "GET", url: "/api/auth/me/", headers: bearer(token) });

async function newKey(user: TestUser, name = "test"): Promise<{ id: number; key: string }> {
  const response = await createKey(user, { name });
  expect(response.statusCode).toBe(201);
  return response.json();
}

describe("POST /api/keys", () => {
  it("answers 201 with the key once, its prefix and no expiry, and stores only a hash of it", async () => {
    const response = await createKey(alice, { name: "  ci job  " });
    expect(response.statusCode).toBe(201);
    expect(response.headers["cache-control"]).toBe("no-store");
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(Number),
      name: "ci job",
      key: expect.stringMatching(/^ps_[0-9a-f]{64}$/),
      prefix: body.key.slice(0, 12),
      created_at: expect.any(String),
      expires_at: null,
      last_used_at: null,
    });
    // Neither the key nor any part of it past the prefix is in the database; its hash finds it.
    const stored = await server.storage.apiKeys.findLive(hashKey(body.key));
    expect(stored).toMatchObject({ id: body.id, userId: alice.id, prefix: body.prefix });
    expect(JSON.stringify(stored)).not.toContain(body.key.slice(12));
  });

  it("takes expires_in as the settings' durations", async () => {
    const before = Date.now();
    const body = (await createKey(alice, { name: "a month", expires_in: "30d" })).json();
    const expiresAt = new Date(body.expires_at).getTime();
    expect(expiresAt - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 1000);
    expect(expiresAt - before).toBeLessThanOrEqual(30 * 86_400_000 + 60_000);
    const hours = (await createKey(alice, { name: "half a day", expires_in: "12h" })).json();
    expect(new Date(hours.expires_at).getTime() - before).toBeGreaterThanOrEqual(12 * 3_600_000 - 1000);
  });

  it.each([
    [{}, "name"],
    [{ name: "" }, "name"],
    [{ name: "   " }, "name"],
    [{ name: "x".repeat(200) }, "name"],
    [{ name: 7 }, "name"],
    [{ name: "k", expires_in: "soon" }, "expires_in"],
    [{ name: "k", expires_in: "-5d" }, "expires_in"],
    [{ name: "k", expires_in: "0" }, "expires_in"],
    [{ name: "k", expires_in: "500y" }, "expires_in"],
    [{ name: "!", expires_in: "" }, "expires_in"],
    [{ name: "k", expires_in: "   " }, "expires_in"],
  ])("refuses %j with 400 naming %s", async (body, field) => {
    const response = await createKey(alice, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "invalid", fields: { [field]: expect.any(Array) } });
  });

  it("needs a session: a key cannot create, list or revoke keys (403), and anonymous callers get 401", async () => {
    const { id, key } = await newKey(alice);
    const attempts = [
      await createKey(alice, { name: "minted by a key" }, bearer(key)),
      await server.app.inject({ method: "GET", url: "/api/keys", headers: bearer(key) }),
      await server.app.inject({ method: "DELETE", url: `/api/keys/${id}`, headers: bearer(key) }),
    ];
    for (const response of attempts) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({
        code: "permission_denied",
        detail: expect.stringContaining("API keys"),
      });
    }
    expect((await me(key)).statusCode).toBe(200);
    expect((await server.app.inject({ method: "GET", url: "/api/keys" })).statusCode).toBe(401);
  });
});

describe("GET /api/keys", () => {
  it("lists the caller's live keys newest first, without the keys", async () => {
    const user = await registerUser(server.app);
    const first = await newKey(user, "first");
    const second = await newKey(user, "second");
    const response = await server.app.inject({ method: "GET", url: "/api/keys/", headers: user.headers });
    expect(response.statusCode).toBe(200);
    const { results } = response.json();
    expect(results.map((key: { id: number }) => key.id)).toEqual([second.id, first.id]);
    expect(results[0]).toEqual({
      id: second.id,
      name: "second",
      prefix: second.key.slice(0, 12),
      created_at: expect.any(String),
      expires_at: null,
      last_used_at: null,
    });
    expect(response.body).not.toContain(second.key);
  });
});

describe("a key acts as its user", () => {
  it("on /api/auth/me/, prompts, history and search, with the user's isolation", async () => {
    const { key } = await newKey(alice);
    expect((await me(key)).json()).toMatchObject({ id: alice.id, username: alice.username });
    const created = await createPrompt(server.app, { ...alice, headers: bearer(key) }, "sent with a key");
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await server.storage.prompts.get(alice.id, id))?.prompt).toBe("sent with a key");
    const own = await server.app.inject({ method: "GET", url: `/api/prompts/${id}`, headers: bearer(key) });
    expect(own.statusCode).toBe(200);
    const history = await server.app.inject({ method: "GET", url: "/api/prompts", headers: bearer(key) });
    expect(history.json().results.map((prompt: { id: number }) => prompt.id)).toContain(id);
    const search = await server.app.inject({
      method: "GET",
      url: "/api/prompts/similar?q=sent%20with%20a%20key",
      headers: bearer(key),
    });
    expect(search.statusCode).toBe(200);
    // Bob's prompt is not Alice's, whichever credential Alice uses.
    const bobs = (await createPrompt(server.app, bob, "bob's own")).json().id;
    expect(
      (await server.app.inject({ method: "GET", url: `/api/prompts/${bobs}`, headers: bearer(key) }))
        .statusCode,
    ).toBe(404);
  });

  it("records last_used_at once, not on every request", async () => {
    const user = await registerUser(server.app);
    const { id, key } = await newKey(user);
    expect((await me(key)).statusCode).toBe(200);
    const listed = async () =>
      (await server.app.inject({ method: "GET", url: "/api/keys", headers: user.headers }))
        .json()
        .results.find((entry: { id: number }) => entry.id === id);
    await expect.poll(async () => (await listed()).last_used_at).not.toBeNull();
    const first = (await listed()).last_used_at;
    for (let i = 0; i < 5; i++) expect((await me(key)).statusCode).toBe(200);
    expect((await listed()).last_used_at).toBe(first);
  });
});

describe("refused keys", () => {
  it.each([
    ["unknown", `ps_${"0".repeat(64)}`],
    ["malformed", "ps_not-a-key"],
    ["too long", `ps_${"a".repeat(65)}`],
  ])("an %s key gets 401 token_not_valid", async (_kind, key) => {
    const response = await me(key);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: "token_not_valid" });
  });

  it("an expired key gets 401, even when this instance remembers it from an earlier use", async () => {
    const user = await registerUser(server.app);
    const key = (await createKey(user, { name: "short", expires_in: "1h" })).json().key;
    expect((await me(key)).statusCode).toBe(200);
    // Only Date is faked: the expiry check reads the clock, while timers and the database keep real time.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3_600_000 + 1000 });
    try {
      const response = await me(key);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: "token_not_valid" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("DELETE /api/keys/:id revokes at once; another user's key id is 404", async () => {
    const { id, key } = await newKey(alice);
    expect((await me(key)).statusCode).toBe(200);
    const bobs = await server.app.inject({ method: "DELETE", url: `/api/keys/${id}`, headers: bob.headers });
    expect(bobs.statusCode).toBe(404);
    expect((await me(key)).statusCode).toBe(200);
    const revoked = await server.app.inject({
      method: "DELETE",
      url: `/api/keys/${id}/`,
      headers: alice.headers,
    });
    expect(revoked.statusCode).toBe(204);
    const refused = await me(key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: "token_not_valid" });
    const again = await server.app.inject({
      method: "DELETE",
      url: `/api/keys/${id}`,
      headers: alice.headers,
    });
    expect(again.statusCode).toBe(404);
    const listed = await server.app.inject({ method: "GET", url: "/api/keys", headers: alice.headers });
    expect(listed.json().results.map((entry: { id: number }) => entry.id)).not.toContain(id);
  });
});
