import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PromptClient,
  RateLimitError,
  TimeoutError,
  type TokenPair,
  ValidationError,
} from "@prompt-service/sdk";
import { gaps, hang, json, jwtExpiringIn, stubFetch } from "@prompt-service/testkit";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const baseUrl = "http://api.test/base";
const user = { id: 1, username: "alice", email: "alice@example.com" };
const prompt = {
  id: 7,
  prompt: "hola",
  response: "[mocked-llm_response] hola",
  created_at: "2025-01-01T00:00:00.000Z",
};
const throttled = { detail: "Request was throttled. Expected available in 3 seconds.", code: "throttled" };
const unavailable = { detail: "Service temporarily unavailable.", code: "service_unavailable" };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("requests", () => {
  it("sends JSON with the bearer token under the base URL's prefix and returns the parsed body", async () => {
    const { fetch, calls } = stubFetch(() => json(201, prompt));
    const client = new PromptClient({ baseUrl, accessToken: "token-1", fetch });
    await expect(client.prompts.create({ prompt: "hola", websocket: true })).resolves.toEqual(prompt);
    expect(calls[0]?.url.toString()).toBe("http://api.test/base/api/prompts");
    expect(calls[0]).toMatchObject({
      method: "POST",
      body: { prompt: "hola", websocket: true },
      headers: { authorization: "Bearer token-1", "content-type": "application/json" },
    });
    expect(calls[0]?.headers["user-agent"]).toMatch(/^prompt-service-sdk\/\d+\.\d+\.\d+/);
  });

  it("puts query parameters in the URL and leaves unset ones out", async () => {
    const { fetch, calls } = stubFetch(() => json(200, { query: "hola mundo", results: [] }));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    await client.prompts.similar("hola mundo", { k: 3, min_score: 0.5 });
    await client.prompts.similar("hola mundo");
    expect(calls.map((call) => call.url.search)).toEqual([
      "?q=hola+mundo&k=3&min_score=0.5",
      "?q=hola+mundo",
    ]);
  });

  it("follows the cursor through every page, fetching a page only when iteration reaches it", async () => {
    const pages: Record<string, object> = {
      "": { results: [prompt, { ...prompt, id: 6 }], next: "c1" },
      c1: { results: [{ ...prompt, id: 5 }], next: null },
    };
    const { fetch, calls } = stubFetch((call) => json(200, pages[call.url.searchParams.get("cursor") ?? ""]));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    const ids: number[] = [];
    for await (const item of client.prompts.list({ limit: 2 })) ids.push(item.id);
    expect(ids).toEqual([7, 6, 5]);
    expect(calls.map((call) => call.url.search)).toEqual(["?limit=2", "?limit=2&cursor=c1"]);

    for await (const _ of client.prompts.list()) break;
    expect(calls).toHaveLength(3);
  });
});

describe("errors", () => {
  it.each([
    [400, ValidationError, { detail: "prompt: required", code: "invalid", fields: { prompt: ["required"] } }],
    [
      401,
      AuthenticationError,
      { detail: "Authentication credentials were not provided.", code: "not_authenticated" },
    ],
    [404, NotFoundError, { detail: "Prompt not found.", code: "not_found" }],
    [
      502,
      InternalServerError,
      { detail: "The language model provider failed to answer.", code: "llm_error" },
    ],
  ])(
    "maps %i to %o with the body's detail, code, fields and the request id",
    async (status, ErrorClass, body) => {
      const { fetch } = stubFetch(() => json(status, body, { "x-request-id": "req-42" }));
      const client = new PromptClient({ baseUrl, fetch, maxRetries: 0 });
      const error = await client.prompts.get(1).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ status, code: body.code, detail: body.detail, requestId: "req-42" });
      expect((error as ValidationError).fields).toEqual((body as { fields?: object }).fields);
    },
  );

  it("gives a readable error for a body that is not the API's, such as a proxy's page", async () => {
    const { fetch } = stubFetch(() => new Response("<html>Bad Gateway</html>", { status: 502 }));
    const client = new PromptClient({ baseUrl, fetch, maxRetries: 0 });
    await expect(client.auth.me()).rejects.toMatchObject({
      name: "InternalServerError",
      status: 502,
      code: "http_error",
      detail: "<html>Bad Gateway</html>",
    });
  });

  it("reads Retry-After into RateLimitError.retryAfter, in seconds", async () => {
    const { fetch } = stubFetch(() => json(429, throttled, { "retry-after": "3" }));
    const client = new PromptClient({ baseUrl, fetch });
    const error = await client.prompts
      .create({ prompt: "x" }, { maxRetries: 0 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "throttled", retryAfter: 3 });
  });
});

describe("retries", () => {
  it("waits exactly as long as Retry-After says before retrying a 429", async () => {
    const { fetch, calls } = stubFetch((_call, all) =>
      all.length === 1 ? json(429, throttled, { "retry-after": "3" }) : json(200, user),
    );
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    const result = client.auth.me();
    await vi.advanceTimersByTimeAsync(2_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(user);
    expect(gaps(calls)).toEqual([3_000]);
  });

  it("waits retry-after-ms before Retry-After, as openai-node does (OpenAI-compatible servers send it)", async () => {
    const { fetch, calls } = stubFetch((_call, all) =>
      all.length === 1
        ? json(429, throttled, { "retry-after-ms": "250", "retry-after": "3" })
        : json(200, user),
    );
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    const result = client.auth.me();
    await vi.advanceTimersByTimeAsync(250);
    await expect(result).resolves.toEqual(user);
    expect(gaps(calls)).toEqual([250]);
  });

  it("does not wait for a Retry-After longer than a minute: the caller gets the error at once", async () => {
    const { fetch, calls } = stubFetch(() => json(429, throttled, { "retry-after": "120" }));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    await expect(client.auth.me()).rejects.toMatchObject({ name: "RateLimitError", retryAfter: 120 });
    expect(calls).toHaveLength(1);
  });

  it("backs off exponentially from 500 ms on 5xx, then gives up after maxRetries", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const { fetch, calls } = stubFetch(() => json(503, unavailable, { "x-request-id": "r3" }));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch, maxRetries: 3 });
    const failure = expect(client.auth.me()).rejects.toMatchObject({
      name: "InternalServerError",
      requestId: "r3",
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await failure;
    expect(gaps(calls)).toEqual([500, 1_000, 2_000]);
  });

  it("takes up to a quarter off each backoff delay at random, so that clients do not retry in step", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999_999);
    const { fetch, calls } = stubFetch(() => json(500, { detail: "boom", code: "internal_error" }));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch, maxRetries: 2 });
    const failure = expect(client.auth.me()).rejects.toBeInstanceOf(InternalServerError);
    await vi.advanceTimersByTimeAsync(10_000);
    await failure;
    expect(gaps(calls)).toEqual([375, 750]);
  });

  it("retries connection errors and then throws ConnectionError with the cause", async () => {
    const { fetch, calls } = stubFetch(() => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") });
    });
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch, maxRetries: 1 });
    const failure = expect(client.prompts.get(1)).rejects.toThrow(/ECONNREFUSED/);
    await vi.advanceTimersByTimeAsync(1_000);
    await failure;
    await expect(client.prompts.get(1, { maxRetries: 0 })).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toHaveLength(3);
  });

  it("retries prompts.create under one Idempotency-Key, so that the server stores it once", async () => {
    const { fetch, calls } = stubFetch((_call, all) =>
      all.length < 3 ? json(503, unavailable) : json(201, prompt),
    );
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch, maxRetries: 5 });
    const created = client.prompts.create({ prompt: "hola" });
    await vi.advanceTimersByTimeAsync(1_500);
    await expect(created).resolves.toEqual(prompt);
    const keys = calls.map((call) => call.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(1);

    await client.prompts.create({ prompt: "hola" }, { idempotencyKey: "mine" });
    expect(calls.at(-1)?.headers["idempotency-key"]).toBe("mine");
  });

  it("waits out a 409 idempotency_key_in_flight for its Retry-After, and a 422 is final", async () => {
    const inFlight = { detail: "still running", code: "idempotency_key_in_flight" };
    const { fetch, calls } = stubFetch((_call, all) =>
      all.length === 1 ? json(409, inFlight, { "retry-after": "1" }) : json(201, prompt),
    );
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    const created = client.prompts.create({ prompt: "hola" });
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(created).resolves.toEqual(prompt);
    expect(gaps(calls)).toEqual([1_000]);

    const reused = { detail: "another body", code: "idempotency_key_reused" };
    const refusing = stubFetch(() => json(422, reused));
    const refused = new PromptClient({ baseUrl, accessToken: "t", fetch: refusing.fetch });
    await expect(refused.prompts.create({ prompt: "hola" })).rejects.toMatchObject({ status: 422 });
    expect(refusing.calls).toHaveLength(1);
  });

  it("never retries a client error", async () => {
    const { fetch, calls } = stubFetch(() => json(404, { detail: "Not found.", code: "not_found" }));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch, maxRetries: 5 });
    await expect(client.prompts.get(3)).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toHaveLength(1);
  });
});

describe("timeouts and cancellation", () => {
  it("fails an attempt that takes longer than the timeout with TimeoutError, retried like a lost connection", async () => {
    const { fetch, calls } = stubFetch(hang);
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch, timeout: 1_000, maxRetries: 1 });
    vi.spyOn(Math, "random").mockReturnValue(0);
    const failure = expect(client.auth.me()).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1 + 500 + 1_000);
    await failure;
    expect(calls).toHaveLength(2);
  });

  it("a per-call timeout overrides the client's", async () => {
    const { fetch } = stubFetch(hang);
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch, timeout: 60_000 });
    const failure = expect(
      client.prompts.create({ prompt: "x" }, { timeout: 50, maxRetries: 0 }),
    ).rejects.toThrow(/50 ms/);
    await vi.advanceTimersByTimeAsync(50);
    await failure;
  });

  it("aborts a request in flight with AbortError, and does not retry it", async () => {
    const { fetch, calls } = stubFetch(hang);
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    const controller = new AbortController();
    const failure = expect(client.auth.me({ signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await failure;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
  });

  it("aborts the wait between retries", async () => {
    const { fetch, calls } = stubFetch(() => json(429, throttled, { "retry-after": "30" }));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    const controller = new AbortController();
    const failure = expect(client.auth.me({ signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    await failure;
    expect(calls).toHaveLength(1);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const { fetch, calls } = stubFetch(() => json(200, user));
    const client = new PromptClient({ baseUrl, accessToken: "t", fetch });
    await expect(client.auth.me({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(calls).toHaveLength(0);
  });
});

describe("token refresh", () => {
  /** A server whose only valid access token is the last one its refresh endpoint issued. */
  function tokenServer(initial: TokenPair) {
    let current = initial;
    let refreshes = 0;
    const stub = stubFetch(async (call) => {
      if (call.url.pathname.endsWith("/api/auth/refresh/")) {
        refreshes += 1;
        // Slow enough that concurrent callers all arrive while it runs.
        await new Promise((resolve) => setTimeout(resolve, 100));
        if ((call.body as { refresh: string }).refresh !== current.refresh) {
          return json(401, { detail: "Token is blacklisted.", code: "token_not_valid" });
        }
        current = { access: jwtExpiringIn(300), refresh: `refresh-${refreshes + 1}` };
        return json(200, current);
      }
      return call.headers.authorization === `Bearer ${current.access}`
        ? json(200, user)
        : json(
            401,
            { detail: "Token is invalid.", code: "token_not_valid" },
            { "www-authenticate": "Bearer" },
          );
    });
    return { ...stub, refreshes: () => refreshes, current: () => current };
  }

  it("refreshes once on a 401, repeats the request, and saves the rotated pair", async () => {
    const server = tokenServer({ access: jwtExpiringIn(300), refresh: "refresh-1" });
    const save = vi.fn();
    const client = new PromptClient({
      baseUrl,
      accessToken: "revoked",
      refreshToken: "refresh-1",
      fetch: server.fetch,
      tokenStore: { save },
    });
    const result = client.auth.me();
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toEqual(user);
    expect(server.refreshes()).toBe(1);
    expect(save).toHaveBeenCalledWith(server.current());
  });

  it("makes concurrent calls that get a 401 share a single refresh", async () => {
    const server = tokenServer({ access: jwtExpiringIn(300), refresh: "refresh-1" });
    const client = new PromptClient({
      baseUrl,
      accessToken: "revoked",
      refreshToken: "refresh-1",
      fetch: server.fetch,
    });
    const results = Promise.all([
      client.auth.me(),
      client.auth.me(),
      client.prompts.get(1).catch(() => "other"),
    ]);
    await vi.advanceTimersByTimeAsync(100);
    await results;
    expect(server.refreshes()).toBe(1);
  });

  it("refreshes shortly before the access token expires instead of waiting for a 401", async () => {
    const server = tokenServer({ access: jwtExpiringIn(300), refresh: "refresh-1" });
    const client = new PromptClient({
      baseUrl,
      accessToken: server.current().access,
      refreshToken: "refresh-1",
      fetch: server.fetch,
    });
    await client.auth.me();
    expect(server.refreshes()).toBe(0);

    // 31 s before expiry the token is still used; from 30 s before, it is refreshed first.
    vi.setSystemTime(Date.now() + 269_000);
    await client.auth.me();
    expect(server.refreshes()).toBe(0);
    vi.setSystemTime(Date.now() + 1_000);
    const result = client.auth.me();
    await vi.advanceTimersByTimeAsync(100);
    await result;
    expect(server.refreshes()).toBe(1);
    expect(server.calls.map((call) => call.url.pathname).at(-2)).toBe("/base/api/auth/refresh/");
  });

  it("throws AuthenticationError when the token is refused again after a refresh, without refreshing twice", async () => {
    const { fetch, calls } = stubFetch((call) =>
      call.url.pathname.endsWith("/refresh/")
        ? json(200, { access: "new-but-also-refused", refresh: "r2" })
        : json(401, { detail: "Token is invalid.", code: "token_not_valid" }),
    );
    const client = new PromptClient({ baseUrl, accessToken: "refused", refreshToken: "r1", fetch });
    await expect(client.auth.me()).rejects.toMatchObject({
      name: "AuthenticationError",
      code: "token_not_valid",
    });
    expect(calls.map((call) => call.url.pathname)).toEqual([
      "/base/api/auth/me/",
      "/base/api/auth/refresh/",
      "/base/api/auth/me/",
    ]);
  });

  it("never retries the refresh itself: the server rotates refresh tokens, a repeat would revoke the session", async () => {
    const { fetch, calls } = stubFetch((call) =>
      call.url.pathname.endsWith("/refresh/")
        ? json(503, unavailable)
        : json(401, { detail: "x", code: "token_not_valid" }),
    );
    const client = new PromptClient({
      baseUrl,
      accessToken: "refused",
      refreshToken: "r1",
      fetch,
      maxRetries: 5,
    });
    await expect(client.auth.me()).rejects.toBeInstanceOf(InternalServerError);
    expect(calls.filter((call) => call.url.pathname.endsWith("/refresh/"))).toHaveLength(1);
  });
});
