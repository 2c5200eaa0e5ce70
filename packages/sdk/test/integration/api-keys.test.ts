import { randomUUID } from "node:crypto";
import { AuthenticationError, PermissionDeniedError, type Prompt, PromptClient } from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { keyClient, loggedInClient, memoryStore } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("API keys", () => {
  it("creates a key shown once, which then lists without the key itself", async () => {
    const { client } = await loggedInClient(server);
    const before = Date.now();
    const created = await client.keys.create({ name: "ci job", expiresIn: "30d" });
    expect(created).toMatchObject({ id: expect.any(Number), name: "ci job", last_used_at: null });
    expect(created.key).toMatch(/^ps_[0-9a-f]{64}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const expiresIn = Date.parse(created.expires_at ?? "") - before;
    expect(expiresIn).toBeGreaterThan(30 * 86_400_000 - 60_000);
    expect(expiresIn).toBeLessThan(30 * 86_400_000 + 60_000);

    const { key, ...listed } = created;
    await expect(client.keys.list()).resolves.toEqual({ results: [listed] });
  });

  it("lets a client with only the key act as its user, with no login", async () => {
    const { user, client } = await keyClient(server);
    await expect(client.auth.me()).resolves.toMatchObject({ id: user.id, username: user.username });
    const created = await client.prompts.create({ prompt: "asked with a key" });
    expect(created.prompt).toBe("asked with a key");
  });

  it("reads the key from PROMPT_API_KEY when the code gives none", async () => {
    const { user, key } = await keyClient(server);
    vi.stubEnv("PROMPT_API_KEY", key.key);
    const client = new PromptClient({ baseUrl: server.url });
    await expect(client.auth.me()).resolves.toMatchObject({ username: user.username });
  });

  it("calls a key given as a function before each request", async () => {
    const { user, key } = await keyClient(server);
    const provide = vi.fn(() => key.key);
    const client = new PromptClient({ baseUrl: server.url, apiKey: provide });
    await client.auth.me();
    await client.auth.me();
    expect(provide).toHaveBeenCalledTimes(2);
    await expect(client.auth.me()).resolves.toMatchObject({ username: user.username });
  });

  it("never reads or writes a session beside a key: nothing to refresh", async () => {
    const { key } = await keyClient(server);
    const { store, saves } = memoryStore({ access: "stale", refresh: "stale" });
    const load = vi.spyOn(store, "load");
    const client = new PromptClient({ baseUrl: server.url, apiKey: key.key, tokenStore: store });
    await client.auth.me();
    await client.prompts.create({ prompt: "no session here" });
    expect(load).not.toHaveBeenCalled();
    expect(saves).toEqual([]);
  });

  it("streams the key user's events", async () => {
    const { client } = await keyClient(server);
    const stream = client.events();
    try {
      await stream.ready();
      const prompt = `live ${randomUUID()}`;
      const completed = new Promise<Prompt>((resolve) => {
        stream.on("prompt_completed", (data) => {
          if (data.prompt === prompt) resolve(data);
        });
      });
      const created = await client.prompts.create({ prompt, websocket: true });
      await expect(completed).resolves.toEqual(created);
    } finally {
      await stream.close();
    }
  });

  it("cannot manage keys with a key: PermissionDeniedError, so a leaked key mints no more", async () => {
    const { client } = await keyClient(server);
    await expect(client.keys.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(client.keys.create({ name: "more" })).rejects.toMatchObject({
      status: 403,
      code: "permission_denied",
    });
  });

  it("refuses a revoked key at once with AuthenticationError", async () => {
    const { session, key, client } = await keyClient(server);
    await client.auth.me();
    await session.keys.revoke(key.id);
    const error = await client.auth.me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "token_not_valid" });
    await expect(session.keys.list()).resolves.toEqual({ results: [] });
  });

  it("answers NotFoundError for revoking another user's key", async () => {
    const { key } = await keyClient(server);
    const { client: other } = await loggedInClient(server);
    await expect(other.keys.revoke(key.id)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("refuses a bad name or expiry with the field named", async () => {
    const { client } = await loggedInClient(server);
    await expect(client.keys.create({ name: "x", expiresIn: "soon" })).rejects.toMatchObject({
      status: 400,
      fields: { expires_in: [expect.any(String)] },
    });
  });
});
