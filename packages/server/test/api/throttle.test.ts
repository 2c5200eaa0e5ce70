import {
  createTestSchema,
  registerUser,
  requireRedis,
  startServer,
  startTcpProxy,
  TEST_REDIS_URL,
  type TestSchema,
  type TestServer,
  type TestUser,
  uniqueRedisPrefix,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const createPrompt = (server: TestServer, user: TestUser | undefined, prompt = "hola") =>
  server.app.inject({
    method: "POST",
    url: "/api/prompts",
    headers: user?.headers ?? {},
    payload: { prompt },
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the default throttle on POST /api/prompts (1/s, 10/min per user)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ listen: false, promptRateLimits: "1/s,10/min" });
  });
  afterAll(() => server.close());

  it("refuses a second request within a second with 429, Retry-After and the original detail", async () => {
    const user = await registerUser(server.app);
    const first = await createPrompt(server, user);
    expect(first.statusCode).toBe(201);
    expect(first.headers).toMatchObject({ "ratelimit-limit": "1", "ratelimit-remaining": "0" });

    const second = await createPrompt(server, user);
    expect(second.statusCode).toBe(429);
    expect(second.headers["retry-after"]).toBe("1");
    expect(second.json()).toEqual({
      detail: "Request was throttled. Expected available in 1 seconds.",
      code: "throttled",
    });
    expect(await server.storage.prompts.list(user.id, { limit: 10 })).toHaveLength(1);
  });

  it("counts per user: another user is not affected", async () => {
    const [one, two] = [await registerUser(server.app), await registerUser(server.app)];
    expect((await createPrompt(server, one)).statusCode).toBe(201);
    expect((await createPrompt(server, two)).statusCode).toBe(201);
  });

  it("answers an anonymous request with 401, not 429", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await createPrompt(server, undefined)).statusCode).toBe(401);
    }
  });

  it("does not throttle reads", async () => {
    const user = await registerUser(server.app);
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await server.app.inject({ method: "GET", url: "/api/prompts", headers: user.headers });
      expect(response.statusCode).toBe(200);
    }
  });
});

describe("a per-minute window", () => {
  it("refuses the request beyond the minute's quota until the window slides", async () => {
    const server = await startServer({ listen: false, promptRateLimits: "5/s,3/min" });
    try {
      const user = await registerUser(server.app);
      for (let index = 0; index < 3; index++) expect((await createPrompt(server, user)).statusCode).toBe(201);
      await sleep(1100); // the per-second window is clear; the per-minute one is not
      const refused = await createPrompt(server, user);
      expect(refused.statusCode).toBe(429);
      const wait = Number(refused.headers["retry-after"]);
      expect(wait).toBeGreaterThanOrEqual(57);
      expect(wait).toBeLessThanOrEqual(60);
      expect(refused.json().detail).toBe(`Request was throttled. Expected available in ${wait} seconds.`);
    } finally {
      await server.close();
    }
  });
});

describe("login attempts", () => {
  it("are limited per username", async () => {
    const server = await startServer({ listen: false, loginRateLimits: "3/min" });
    try {
      const user = await registerUser(server.app); // one login already counted
      const attempts = [];
      for (let index = 0; index < 3; index++) {
        attempts.push(
          await server.app.inject({
            method: "POST",
            url: "/api/auth/login/",
            payload: { username: user.username, password: "wrong-password" },
          }),
        );
      }
      expect(attempts.map((attempt) => attempt.statusCode)).toEqual([401, 401, 429]);
      // The right password does not get around the limit either; another username is unaffected.
      const right = await server.app.inject({
        method: "POST",
        url: "/api/auth/login/",
        payload: { username: user.username, password: user.password },
      });
      expect(right.statusCode).toBe(429);
      const other = await registerUser(server.app);
      expect(other.access).toBeTruthy();
    } finally {
      await server.close();
    }
  });
});

describe("with Redis, shared by every instance", () => {
  let schema: TestSchema;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    await requireRedis();
    schema = await createTestSchema("throttle");
    const redisPrefix = uniqueRedisPrefix("throttle");
    const options = {
      database: schema,
      redisUrl: TEST_REDIS_URL,
      redisPrefix,
      promptRateLimits: "1/s,10/min",
    };
    first = await startServer(options);
    second = await startServer(options);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await schema?.drop();
  });

  it("counts a user's requests on both instances together", async () => {
    const user = await registerUser(first.app);
    expect((await createPrompt(first, user)).statusCode).toBe(201);
    expect((await createPrompt(second, user)).statusCode).toBe(429);
  });
});

describe("when Redis goes away", () => {
  it("fails open, never answers 500, and enforces the limit again once Redis is back", async () => {
    await requireRedis();
    const proxy = await startTcpProxy(TEST_REDIS_URL);
    const server = await startServer({
      listen: false,
      redisUrl: proxy.url,
      redisPrefix: uniqueRedisPrefix("throttle-outage"),
      promptRateLimits: "1/s,10/min",
    });
    try {
      const user = await registerUser(server.app);
      proxy.cut();
      const during = [await createPrompt(server, user), await createPrompt(server, user)];
      expect(during.map((response) => response.statusCode)).toEqual([201, 201]);

      proxy.restore();
      await sleep(2500); // reconnect, and let the per-second window clear
      let enforced = false;
      for (let attempt = 0; attempt < 20 && !enforced; attempt++) {
        const pair = [await createPrompt(server, user), await createPrompt(server, user)];
        expect(pair.every((response) => response.statusCode === 201 || response.statusCode === 429)).toBe(
          true,
        );
        enforced = pair[1]?.statusCode === 429;
        if (!enforced) await sleep(1100);
      }
      expect(enforced).toBe(true);
    } finally {
      await server.close();
      await proxy.close();
    }
  });
});
