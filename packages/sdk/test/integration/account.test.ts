import {
  AuthenticationError,
  PermissionDeniedError,
  PromptClient,
  type PromptServiceError,
  type ReconnectInfo,
} from "@prompt-service/sdk";
import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyClient, loggedInClient, memoryStore } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("auth.deleteAccount", () => {
  it("deletes nothing on a wrong password", async () => {
    const { client, user } = await loggedInClient(server);
    const error = await client.auth.deleteAccount({ password: "not it" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "authentication_failed" });
    await expect(client.auth.me()).resolves.toMatchObject({ id: user.id });
  });

  it("needs a session: a key gets PermissionDeniedError", async () => {
    const { client, user } = await keyClient(server);
    await expect(client.auth.deleteAccount({ password: user.password })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it("deletes the account, forgets the session, and ends its event streams without reconnecting", async () => {
    const user = await registerUser(server.app);
    const { store, current } = memoryStore({ access: user.access, refresh: user.refresh });
    const client = new PromptClient({ baseUrl: server.url, tokenStore: store });
    await client.prompts.create({ prompt: "soon gone" });
    const stream = client.events({ reconnect: { initialDelay: 10 } });
    const reconnections: ReconnectInfo[] = [];
    stream.on("reconnecting", (info) => reconnections.push(info));
    const closed = new Promise<PromptServiceError | undefined>((resolve) => stream.on("close", resolve));
    await stream.ready();

    await client.auth.deleteAccount({ password: user.password });

    const error = await closed;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: "account_deleted" });
    expect(reconnections).toEqual([]);
    expect(current()).toBeNull();
    // The old tokens are refused, and the name is free again.
    const old = new PromptClient({ baseUrl: server.url, accessToken: user.access });
    await expect(old.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(registerUser(server.app, user.username)).resolves.toMatchObject({ username: user.username });
  });
});
