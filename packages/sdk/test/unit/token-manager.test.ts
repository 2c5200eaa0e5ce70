import type { TokenPair } from "@prompt-service/sdk";
import { fakeJwt, jwtExpiringIn } from "@prompt-service/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expiresSoon, tokenLifetime } from "../../src/auth/jwt.js";
import { TokenManager, type TokenStore } from "../../src/auth/token-manager.js";

afterEach(() => {
  vi.useRealTimers();
});

/** A store shared like a file between processes: every load returns what was saved last. */
function sharedStore(initial: TokenPair | null) {
  let saved = initial;
  const store = {
    load: vi.fn(() => saved),
    save: vi.fn((tokens: TokenPair | null) => {
      saved = tokens;
    }),
  } satisfies TokenStore;
  return store;
}

const rotating = () => {
  let count = 0;
  return vi.fn(async (_refresh: string): Promise<TokenPair> => {
    count += 1;
    return { access: jwtExpiringIn(300), refresh: `rotated-${count}` };
  });
};

describe("jwt", () => {
  it("reads iat and exp without verifying", () => {
    expect(tokenLifetime(fakeJwt({ iat: 100, exp: 400 }))).toEqual({ issuedAt: 100_000, expiresAt: 400_000 });
    expect(tokenLifetime("opaque-token")).toBeUndefined();
    expect(tokenLifetime("a.%%%.c")).toBeUndefined();
  });

  it("refreshes 30 s ahead, or a quarter of the lifetime ahead for short-lived tokens", () => {
    const fiveMinutes = fakeJwt({ iat: 0, exp: 300 });
    expect(expiresSoon(fiveMinutes, 269_999)).toBe(false);
    expect(expiresSoon(fiveMinutes, 270_000)).toBe(true);
    const tenSeconds = fakeJwt({ iat: 0, exp: 10 });
    expect(expiresSoon(tenSeconds, 7_499)).toBe(false);
    expect(expiresSoon(tenSeconds, 7_500)).toBe(true);
    expect(expiresSoon("opaque-token")).toBe(false);
  });
});

describe("TokenManager", () => {
  it("loads the session from the store once, when it needs a token", async () => {
    const access = jwtExpiringIn(300);
    const store = sharedStore({ access, refresh: "r1" });
    const tokens = new TokenManager({ store, exchange: rotating() });
    expect(store.load).not.toHaveBeenCalled();
    await expect(tokens.accessToken()).resolves.toBe(access);
    await tokens.accessToken();
    expect(store.load).toHaveBeenCalledTimes(1);
  });

  it("prefers tokens given to it over stored ones", async () => {
    const store = sharedStore({ access: jwtExpiringIn(300), refresh: "stored" });
    const tokens = new TokenManager({ accessToken: "from-env", store, exchange: rotating() });
    await expect(tokens.accessToken()).resolves.toBe("from-env");
    expect(store.load).not.toHaveBeenCalled();
  });

  it("gets a session from the refresh token alone", async () => {
    const exchange = rotating();
    const tokens = new TokenManager({ refreshToken: "r1", exchange });
    await expect(tokens.accessToken()).resolves.toEqual(expect.stringContaining("."));
    expect(exchange).toHaveBeenCalledWith("r1");
  });

  it("adopts a pair that another process rotated instead of presenting the spent refresh token", async () => {
    const store = sharedStore({ access: jwtExpiringIn(300), refresh: "r1" });
    const exchange = rotating();
    const tokens = new TokenManager({ store, exchange });
    const first = await tokens.accessToken();

    // Another process, sharing the store, refreshes: r1 is spent.
    const rotatedElsewhere = { access: jwtExpiringIn(300), refresh: "r2" };
    store.save(rotatedElsewhere);

    await expect(tokens.refreshAfterRejection(first as string)).resolves.toBe(rotatedElsewhere.access);
    expect(exchange).not.toHaveBeenCalled();
  });

  it("uses a token another call refreshed meanwhile instead of refreshing again", async () => {
    const exchange = rotating();
    const tokens = new TokenManager({ accessToken: "old", refreshToken: "r1", exchange });
    const fresh = await tokens.refreshAfterRejection("old");
    await expect(tokens.refreshAfterRejection("old")).resolves.toBe(fresh);
    expect(exchange).toHaveBeenCalledTimes(1);
  });

  it("has no replacement for a rejected token without a refresh token", async () => {
    const tokens = new TokenManager({ accessToken: "static", exchange: rotating() });
    await expect(tokens.refreshAfterRejection("static")).resolves.toBeUndefined();
  });

  it("calls a token function before every use, and again after a rejection", async () => {
    let n = 0;
    const provider = vi.fn(() => `token-${++n}`);
    const tokens = new TokenManager({ accessToken: provider, exchange: rotating() });
    await expect(tokens.accessToken()).resolves.toBe("token-1");
    await expect(tokens.accessToken()).resolves.toBe("token-2");
    await expect(tokens.refreshAfterRejection("token-2")).resolves.toBe("token-3");
  });

  it("saves every new pair, and null on clear", async () => {
    const store = sharedStore(null);
    const tokens = new TokenManager({ refreshToken: "r1", store, exchange: rotating() });
    const pair = await tokens.rotate();
    expect(store.save).toHaveBeenLastCalledWith(pair);
    await tokens.clear();
    expect(store.save).toHaveBeenLastCalledWith(null);
    await expect(tokens.accessToken()).resolves.toBeUndefined();
  });

  it("lets a caller stop waiting for a shared refresh without cancelling it for the others", async () => {
    let finish: (pair: TokenPair) => void = () => undefined;
    const exchange = vi.fn(() => new Promise<TokenPair>((resolve) => (finish = resolve)));
    const tokens = new TokenManager({ refreshToken: "r1", exchange });
    const controller = new AbortController();
    const impatient = tokens.rotate(controller.signal);
    const patient = tokens.rotate();
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ name: "AbortError" });
    finish({ access: "a2", refresh: "r2" });
    await expect(patient).resolves.toEqual({ access: "a2", refresh: "r2" });
    expect(exchange).toHaveBeenCalledTimes(1);
  });
});
