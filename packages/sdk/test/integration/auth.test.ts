import { AuthenticationError, PromptClient, ValidationError } from "@prompt-service/sdk";
import { fakeJwt, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedInClient, memoryStore, uniqueName } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  // A short grace window for used refresh tokens, so that a replay after it is quick to test.
  server = await startServer({ refreshReuseGrace: "200ms" });
});
afterAll(() => server.close());

const password = "secret123";

async function newAccount(client: PromptClient) {
  const username = uniqueName();
  const user = await client.auth.register({ username, email: `${username}@example.com`, password });
  return { username, user };
}

describe("auth", () => {
  it("registers, logs in, saves the session to the token store, and tells who is logged in", async () => {
    const { store, saves } = memoryStore();
    const client = new PromptClient({ baseUrl: server.url, tokenStore: store });
    const { username, user } = await newAccount(client);
    expect(user).toEqual({ id: expect.any(Number), username, email: `${username}@example.com` });

    const tokens = await client.auth.login({ username, password });
    expect(saves).toEqual([tokens]);
    await expect(client.auth.me()).resolves.toEqual(user);

    // Another client (the CLI's next run) picks the session up from the store.
    await expect(new PromptClient({ baseUrl: server.url, tokenStore: store }).auth.me()).resolves.toEqual(
      user,
    );
  });

  it("refuses a taken username with a ValidationError that names the field", async () => {
    const client = new PromptClient({ baseUrl: server.url });
    const { username } = await newAccount(client);
    const error = await client.auth
      .register({ username, email: "other@example.com", password })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, code: "invalid", fields: { username: [expect.any(String)] } });
  });

  it("refuses wrong credentials with an AuthenticationError that carries the request id", async () => {
    const client = new PromptClient({ baseUrl: server.url });
    const { username } = await newAccount(client);
    const error = await client.auth
      .login({ username, password: "wrong-password" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "no_active_account", requestId: expect.any(String) });
  });

  it("rotates the tokens on refresh(); the spent refresh token is refused from then on", async () => {
    const { client, user } = await loggedInClient(server);
    const rotated = await client.auth.refresh();
    expect(rotated.refresh).not.toBe(user.refresh);
    await expect(client.auth.me()).resolves.toMatchObject({ id: user.id });

    await new Promise((resolve) => setTimeout(resolve, 250));
    const replay = new PromptClient({ baseUrl: server.url, refreshToken: user.refresh });
    await expect(replay.auth.refresh()).rejects.toMatchObject({
      name: "AuthenticationError",
      code: "token_not_valid",
    });
  });

  it("logs out: the session is revoked on the server and forgotten locally", async () => {
    const { store, saves } = memoryStore();
    const client = new PromptClient({ baseUrl: server.url, tokenStore: store });
    const { username } = await newAccount(client);
    const tokens = await client.auth.login({ username, password });

    await client.auth.logout();
    expect(saves.at(-1)).toBeNull();
    await expect(client.auth.me()).rejects.toMatchObject({
      name: "AuthenticationError",
      code: "not_authenticated",
    });
    const leftover = new PromptClient({ baseUrl: server.url, refreshToken: tokens.refresh });
    await expect(leftover.auth.refresh()).rejects.toBeInstanceOf(AuthenticationError);
    // Logging out again has nothing to do and does not fail.
    await expect(client.auth.logout()).resolves.toBeUndefined();
  });

  it("refreshes an access token the server refuses, once, for many concurrent calls", async () => {
    const { user } = await loggedInClient(server);
    const { store, saves } = memoryStore();
    // A token that looks valid for an hour, but that the server refuses (forged signature).
    const forged = fakeJwt({
      sub: String(user.id),
      type: "access",
      iat: Date.now() / 1000,
      exp: Date.now() / 1000 + 3600,
    });
    const client = new PromptClient({
      baseUrl: server.url,
      accessToken: forged,
      refreshToken: user.refresh,
      tokenStore: store,
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.auth.me()));
    expect(answers.every((answer) => answer.id === user.id)).toBe(true);
    // Two refreshes would have presented one refresh token twice, and the server would have revoked the session.
    expect(saves).toHaveLength(1);
  });

  // Starts a server of its own, which takes seconds.
  it("refreshes shortly before the access token expires", { timeout: 60_000 }, async () => {
    const shortLived = await startServer({ accessTokenTtl: 2 });
    try {
      const { store, saves } = memoryStore();
      const client = new PromptClient({ baseUrl: shortLived.url, tokenStore: store });
      const { username } = await newAccount(client);
      await client.auth.login({ username, password });
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      await expect(client.auth.me()).resolves.toMatchObject({ username });
      expect(saves).toHaveLength(2);
    } finally {
      await shortLived.close();
    }
  });

  it("lets two clients share one token store without revoking each other's session", async () => {
    const { store } = memoryStore();
    const first = new PromptClient({ baseUrl: server.url, tokenStore: store });
    const { username } = await newAccount(first);
    await first.auth.login({ username, password });
    const second = new PromptClient({ baseUrl: server.url, tokenStore: store });
    await second.auth.me();

    await first.auth.refresh();
    // The second client's refresh token is now spent: it takes the rotated pair from the store instead.
    await second.auth.refresh();
    await expect(second.auth.me()).resolves.toMatchObject({ username });
    await expect(first.auth.refresh()).resolves.toMatchObject({ access: expect.any(String) });
  });
});
