import {
  createPrompt,
  createTestSchema,
  registerUser,
  requireRedis,
  startServer,
  startTcpProxy,
  TEST_REDIS_URL,
  type TestSchema,
  type TestServer,
  uniqueRedisPrefix,
} from "@prompt-service/testkit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

describe("in memory, with the default limits on POST /api/prompts (1/s, 10/min per user)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ listen: false, promptRateLimits: "1/s,10/min", loginRateLimits: "3/min" });
  });
  afterAll(() => server.close());

  describe("on a clock the test moves", () => {
    // The memory limiter reads the global performance clock; faked, time jumps instead of being waited out.
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["performance"] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    // The clock stands still here: the second request comes within the first one's second however long the first
    // takes to answer on a busy machine (on the real clock, a first answer slower than a second let the second in).
    it("refuses a second request within a second with 429, Retry-After and the original detail", async () => {
      const user = await registerUser(server.app);
      const first = await createPrompt(server.app, user, "hola");
      expect(first.statusCode).toBe(201);
      expect(first.headers).toMatchObject({
        "ratelimit-limit": "1",
        "ratelimit-remaining": "0",
        "ratelimit-reset": "1",
      });
      expect(first.headers["retry-after"]).toBeUndefined();

      const second = await createPrompt(server.app, user, "hola");
      expect(second.statusCode).toBe(429);
      expect(second.headers).toMatchObject({
        "retry-after": "1",
        "ratelimit-limit": "1",
        "ratelimit-remaining": "0",
        "ratelimit-reset": "1",
      });
      expect(second.json()).toEqual({
        detail: "Request was throttled. Expected available in 1 seconds.",
        code: "throttled",
      });
      expect(await server.storage.prompts.list(user.id, { limit: 10 })).toHaveLength(1);
    });

    it("admits no 11th request in any 60 seconds, and says when the next one fits", async () => {
      const user = await registerUser(server.app);
      for (let index = 0; index < 10; index++) {
        expect((await createPrompt(server.app, user, "hola")).statusCode).toBe(201);
        vi.advanceTimersByTime(1500);
      }
      // At 15 s the per-second window has room; the first request, at 0, leaves the minute's at 60 s.
      const refused = await createPrompt(server.app, user, "hola");
      expect(refused.statusCode).toBe(429);
      expect(refused.headers["retry-after"]).toBe("45");
      expect(refused.json().detail).toBe("Request was throttled. Expected available in 45 seconds.");
      vi.advanceTimersByTime(44_999);
      expect((await createPrompt(server.app, user, "hola")).statusCode).toBe(429);
      vi.advanceTimersByTime(1);
      expect((await createPrompt(server.app, user, "hola")).statusCode).toBe(201);
    });

    it("admits no burst of two across a second boundary", async () => {
      const user = await registerUser(server.app);
      vi.advanceTimersByTime(900);
      expect((await createPrompt(server.app, user, "hola")).statusCode).toBe(201);
      vi.advanceTimersByTime(200);
      expect((await createPrompt(server.app, user, "hola")).statusCode).toBe(429);
      vi.advanceTimersByTime(800);
      expect((await createPrompt(server.app, user, "hola")).statusCode).toBe(201);
    });
  });

  it("counts per user: another user is not affected", async () => {
    const [one, two] = [await registerUser(server.app), await registerUser(server.app)];
    expect((await createPrompt(server.app, one, "hola")).statusCode).toBe(201);
    expect((await createPrompt(server.app, two, "hola")).statusCode).toBe(201);
  });

  it("answers an anonymous request with 401, not 429", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const anonymous = await server.app.inject({
        method: "POST",
        url: "/api/prompts",
        payload: { prompt: "hola" },
      });
      expect(anonymous.statusCode).toBe(401);
    }
  });

  it("does not throttle reads", async () => {
    const user = await registerUser(server.app);
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await server.app.inject({ method: "GET", url: "/api/prompts", headers: user.headers });
      expect(response.statusCode).toBe(200);
    }
  });

  it("limits login attempts per username", async () => {
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
    expect((await createPrompt(first.app, user, "hola")).statusCode).toBe(201);
    expect((await createPrompt(second.app, user, "hola")).statusCode).toBe(429);
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
      const during = [
        await createPrompt(server.app, user, "hola"),
        await createPrompt(server.app, user, "hola"),
      ];
      expect(during.map((response) => response.statusCode)).toEqual([201, 201]);

      proxy.restore();
      // Admitted while the limiter has not reconnected; once it has, the second of two at once is refused.
      await vi.waitFor(
        async () => {
          const pair = [
            await createPrompt(server.app, user, "hola"),
            await createPrompt(server.app, user, "hola"),
          ];
          const statuses = pair.map((response) => response.statusCode);
          expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
          expect(statuses[1]).toBe(429);
        },
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      await server.close();
      await proxy.close();
    }
  });
});
