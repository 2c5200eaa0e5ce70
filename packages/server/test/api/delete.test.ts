import { CLOSE_CODES } from "@prompt-service/protocol";
import {
  createPrompt,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingSocket } from "../realtime/socket-client.js";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startServer({ answerReuseMinScore: 0.5 });
  alice = await registerUser(server.app);
  bob = await registerUser(server.app);
});
afterAll(() => server.close());

const request = (method: "GET" | "DELETE", url: string, user: TestUser, payload?: object) =>
  server.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
const similarIds = async (user: TestUser, q: string) =>
  (await request("GET", `/api/prompts/similar?q=${encodeURIComponent(q)}&k=10`, user))
    .json()
    .results.map((result: { id: number }) => result.id);

describe("DELETE /api/prompts/:id", () => {
  it("answers 204; the prompt is gone from history, GET and search, and its owner's sockets hear prompt_deleted", async () => {
    const socket = await RecordingSocket.open(
      `${server.url.replace("http", "ws")}/ws/prompts/?token=${alice.access}`,
    );
    const kept = (await createPrompt(server.app, alice, "how do tides work")).json();
    const doomed = (await createPrompt(server.app, alice, "how do volcanoes erupt")).json();
    await server.app.inject({ method: "GET", url: "/api/prompts/similar?q=volcano", headers: alice.headers });
    expect(await similarIds(alice, "volcanoes erupt")).toContain(doomed.id);

    const deleted = await request("DELETE", `/api/prompts/${doomed.id}`, alice);
    expect(deleted.statusCode).toBe(204);
    expect((await request("GET", `/api/prompts/${doomed.id}`, alice)).statusCode).toBe(404);
    const history = (await request("GET", "/api/prompts?limit=100", alice))
      .json()
      .results.map((p: { id: number }) => p.id);
    expect(history).toContain(kept.id);
    expect(history).not.toContain(doomed.id);
    expect(await similarIds(alice, "volcanoes erupt")).not.toContain(doomed.id);
    await socket.waitFor(() => socket.messages.some((message) => message.event === "prompt_deleted"));
    expect(socket.messages.find((message) => message.event === "prompt_deleted")).toEqual({
      type: "prompt.message",
      event: "prompt_deleted",
      data: { id: doomed.id },
    });
    socket.close();
  });

  it("is 404 for another user's prompt and for an unknown one, and deletes nothing", async () => {
    const bobs = (await createPrompt(server.app, bob, "bob keeps this")).json();
    expect((await request("DELETE", `/api/prompts/${bobs.id}`, alice)).statusCode).toBe(404);
    expect((await request("DELETE", "/api/prompts/999999999", alice)).statusCode).toBe(404);
    expect((await request("GET", `/api/prompts/${bobs.id}`, bob)).statusCode).toBe(200);
  });

  it("is never again the source of a reused answer; a prompt that reused it keeps its copy, with reused_from null", async () => {
    const user = await registerUser(server.app);
    const source = (await createPrompt(server.app, user, "What is the capital of Australia?")).json();
    const reuser = (await createPrompt(server.app, user, "What is the capital of Australia?")).json();
    expect(reuser.reused_from).toBe(source.id);
    expect((await request("DELETE", `/api/prompts/${source.id}`, user)).statusCode).toBe(204);
    const copy = (await request("GET", `/api/prompts/${reuser.id}`, user)).json();
    expect(copy).toMatchObject({ response: source.response, reused_from: null });
    // The copy itself may now be reused; the deleted source never is.
    const again = (await createPrompt(server.app, user, "What is the capital of Australia?")).json();
    expect(again.reused_from).not.toBe(source.id);
  });
});

describe("DELETE /api/auth/me/", () => {
  it("with a wrong password answers 401 and deletes nothing", async () => {
    const user = await registerUser(server.app);
    await createPrompt(server.app, user, "still here");
    const response = await request("DELETE", "/api/auth/me/", user, { password: "not-the-password" });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: "authentication_failed" });
    expect((await request("GET", "/api/prompts", user)).json().results).toHaveLength(1);
  });

  it("needs the password field, and a session rather than an API key", async () => {
    const user = await registerUser(server.app);
    const missing = await request("DELETE", "/api/auth/me/", user, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ fields: { password: expect.any(Array) } });
    const key = (
      await server.app.inject({
        method: "POST",
        url: "/api/keys",
        headers: user.headers,
        payload: { name: "k" },
      })
    ).json().key;
    const byKey = await server.app.inject({
      method: "DELETE",
      url: "/api/auth/me/",
      headers: { authorization: `Bearer ${key}` },
      payload: { password: user.password },
    });
    expect(byKey.statusCode).toBe(403);
  });

  it("deletes the account and all it owns; its tokens and keys are refused, its sockets close with 4410, and the name is free again", async () => {
    const user = await registerUser(server.app);
    const key = (
      await server.app.inject({
        method: "POST",
        url: "/api/keys",
        headers: user.headers,
        payload: { name: "k" },
      })
    ).json().key;
    const prompt = (await createPrompt(server.app, user, "mine to erase")).json();
    const socket = await RecordingSocket.open(`${server.url.replace("http", "ws")}/ws/prompts/?token=${key}`);
    const response = await request("DELETE", "/api/auth/me", user, { password: user.password });
    expect(response.statusCode).toBe(204);
    expect((await socket.waitForClose()).code).toBe(CLOSE_CODES.accountDeleted);
    for (const authorization of [user.headers.authorization, `Bearer ${key}`]) {
      const me = await server.app.inject({ method: "GET", url: "/api/auth/me/", headers: { authorization } });
      expect(me.statusCode).toBe(401);
    }
    const refreshed = await server.app.inject({
      method: "POST",
      url: "/api/auth/refresh/",
      payload: { refresh: user.refresh },
    });
    expect(refreshed.statusCode).toBe(401);
    expect(await server.storage.users.findById(user.id)).toBeUndefined();
    expect(await server.storage.prompts.get(user.id, prompt.id)).toBeUndefined();
    expect(await server.storage.apiKeys.listOf(user.id)).toEqual([]);
    expect(await server.storage.usage.daysOf(user.id, 366)).toEqual([]);
    const again = await registerUser(server.app, user.username);
    expect(again.id).not.toBe(user.id);
    expect((await request("GET", "/api/prompts", again)).json().results).toEqual([]);
  });
});
