import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { Agent, type Dispatcher, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

/** A client on its own loopback address: 127.0.0.2 and 127.0.0.3 are two clients to the server. */
function clientAt(address: string) {
  const agent = new Agent({ localAddress: address });
  const answer = async (response: Dispatcher.ResponseData) => {
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined,
    };
  };
  return {
    post: async (server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
      answer(
        await request(`${server.url}${path}`, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        }),
      ),
    get: async (server: TestServer, path: string, headers: Record<string, string> = {}) =>
      answer(await request(`${server.url}${path}`, { dispatcher: agent, headers })),
    close: () => agent.close(),
  };
}

describe("throttles an attacker cannot turn on a victim", () => {
  let server: TestServer;
  const attacker = clientAt("127.0.0.2");
  const victim = clientAt("127.0.0.3");

  beforeAll(async () => {
    server = await startServer({
      loginRateLimits: "3/min",
      loginAddressRateLimits: "30/min",
      // Each test's own user is registered from 127.0.0.1, which has its own window.
      registerRateLimits: "6/h",
      refreshRateLimits: "4/min",
      searchRateLimits: "2/s,5/min",
    });
  });
  afterAll(async () => {
    await Promise.all([attacker.close(), victim.close()]);
    await server.close();
  });

  it("does not lock a user out after someone else failed to log in as them from another address", async () => {
    const user = await registerUser(server.app);
    const guesses = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      guesses.push(
        (
          await attacker.post(server, "/api/auth/login/", {
            username: user.username,
            password: "wrong-guess",
          })
        ).status,
      );
    }
    expect(guesses).toEqual([401, 401, 401, 429, 429]);
    const real = await victim.post(server, "/api/auth/login/", {
      username: user.username,
      password: user.password,
    });
    expect(real.status).toBe(200);
  });

  it("describes, in a login's RateLimit headers, the window closest to refusing", async () => {
    const user = await registerUser(server.app);
    const answer = await victim.post(server, "/api/auth/login/", {
      username: user.username,
      password: "nope-nope",
    });
    expect(answer.status).toBe(401);
    // The per-username window (3/min) has 2 left; the per-address one (30/min) has many more.
    expect(answer.headers["ratelimit-limit"]).toBe("3");
    expect(answer.headers["ratelimit-remaining"]).toBe("2");
  });

  it("limits registrations per address, and a taken name is refused before any password is hashed", async () => {
    const prefix = `reg${Date.now().toString(36)}`;
    const name = (index: number) => `${prefix}${index}`;
    const results = [];
    for (let index = 0; index < 7; index++) {
      results.push(
        (
          await attacker.post(server, "/api/auth/register/", {
            username: name(index),
            email: "a@b.co",
            password: "secret123",
          })
        ).status,
      );
    }
    expect(results).toEqual([201, 201, 201, 201, 201, 201, 429]);
    const taken = await victim.post(server, "/api/auth/register/", {
      username: name(0),
      email: "a@b.co",
      password: "secret123",
    });
    expect(taken.status).toBe(400);
    expect(taken.body).toMatchObject({ fields: { username: ["A user with that username already exists."] } });
  });

  it("limits similarity searches per user, with 429 and Retry-After", async () => {
    const user = await registerUser(server.app);
    const statuses = [];
    let retryAfter: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await victim.get(server, "/api/prompts/similar?q=hello", user.headers);
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers["retry-after"];
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("limits refreshes and logouts per address", async () => {
    const user = await registerUser(server.app);
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      statuses.push((await attacker.post(server, "/api/auth/refresh/", { refresh: "not-a-token" })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect((await attacker.post(server, "/api/auth/logout/", { refresh: user.refresh })).status).toBe(429);
    expect((await victim.post(server, "/api/auth/logout/", { refresh: user.refresh })).status).toBe(204);
  });
});

describe("client addresses behind one balancer (TRUST_PROXY=true)", () => {
  it("counts the address the balancer saw, whatever the client wrote into X-Forwarded-For", async () => {
    const server = await startServer({
      listen: false,
      loginAddressRateLimits: "2/min",
      fastify: { trustProxy: loadConfig({ TRUST_PROXY: "true" }).trustProxy },
    });
    try {
      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await server.app.inject({
          method: "POST",
          url: "/api/auth/login/",
          remoteAddress: "10.0.0.2",
          // The client forges a new leftmost entry each time; the balancer appends the address it saw.
          headers: { "x-forwarded-for": `198.51.100.${attempt}, 203.0.113.7` },
          payload: { username: `someone${attempt}`, password: "wrong-password" },
        });
        statuses.push(answer.statusCode);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await server.close();
    }
  });
});
