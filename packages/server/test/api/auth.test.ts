import { registerUser, startServer, TEST_JWT_SECRET, type TestServer } from "@prompt-service/testkit";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
beforeAll(async () => {
  // A short grace window, so that a replay after it can be tested without waiting the default 30 s.
  server = await startServer({ listen: false, refreshReuseGrace: "300ms" });
});
afterAll(() => server.close());

const post = (url: string, payload: unknown) =>
  server.app.inject({ method: "POST", url, payload: payload as object });
const me = (token: string) =>
  server.app.inject({ method: "GET", url: "/api/auth/me/", headers: { authorization: `Bearer ${token}` } });

describe("POST /api/auth/register/", () => {
  it("creates an account and never returns the password", async () => {
    const response = await post("/api/auth/register/", {
      username: "alice",
      email: "a@b.c",
      password: "secret123",
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: expect.any(Number), username: "alice", email: "a@b.c" });
    expect(response.body).not.toContain("secret123");
    const stored = await server.storage.users.findByUsername("alice");
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain("secret123");
  });

  it("works without the trailing slash too", async () => {
    const response = await post("/api/auth/register", {
      username: "noslash",
      email: "n@b.c",
      password: "secret123",
    });
    expect(response.statusCode).toBe(201);
  });

  it("refuses a duplicate username with 400 naming the field", async () => {
    await post("/api/auth/register/", { username: "dup", email: "d@b.c", password: "secret123" });
    const response = await post("/api/auth/register/", {
      username: "dup",
      email: "e@b.c",
      password: "secret123",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "invalid",
      fields: { username: ["A user with that username already exists."] },
    });
  });

  it.each([
    [{ username: "ab", email: "a@b.c", password: "secret123" }, "username"],
    [{ username: "x".repeat(151), email: "a@b.c", password: "secret123" }, "username"],
    [{ username: "has space", email: "a@b.c", password: "secret123" }, "username"],
    [{ username: "valid_user", email: "not-an-email", password: "secret123" }, "email"],
    [{ username: "valid_user", email: "a@b.c", password: "short" }, "password"],
    [{ username: "valid_user", email: "a@b.c" }, "password"],
    [{ username: 12345, email: "a@b.c", password: "secret123" }, "username"],
  ])("rejects %j with 400 naming %s", async (payload, field) => {
    const response = await post("/api/auth/register/", payload);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe("invalid");
    expect(typeof body.detail).toBe("string");
    expect(Object.keys(body.fields)).toContain(field);
  });

  it("accepts English letters, digits and @.+-_, and refuses look-alikes from other scripts", async () => {
    const accepted = await post("/api/auth/register/", {
      username: "jose.o+1@x-y_Z",
      email: "j@b.c",
      password: "secret123",
    });
    expect(accepted.statusCode).toBe(201);
    await post("/api/auth/register/", { username: "alice", email: "a@b.c", password: "secret123" });
    // "аlice" begins with a Cyrillic а: it would pass for alice.
    for (const username of ["аlice", "josé"]) {
      const refused = await post("/api/auth/register/", { username, email: "x@b.c", password: "secret123" });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({
        code: "invalid",
        fields: { username: [expect.stringContaining("English letters")] },
      });
    }
  });

  it("refuses a NUL character in a login username with 400, not 500", async () => {
    const response = await post("/api/auth/login/", { username: "ali\u0000ce", password: "secret123" });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "invalid",
      fields: { username: ["Null characters are not allowed."] },
    });
  });
});

describe("POST /api/auth/login/", () => {
  it("returns an access and a refresh token whose claims are sub, type, jti, iat, exp", async () => {
    const user = await registerUser(server.app);
    const [, payload] = user.access.split(".");
    const claims = JSON.parse(Buffer.from(payload as string, "base64url").toString());
    expect(claims).toMatchObject({ sub: String(user.id), type: "access", jti: expect.any(String) });
    expect(claims.exp - claims.iat).toBe(300);
    const refreshClaims = JSON.parse(
      Buffer.from(user.refresh.split(".")[1] as string, "base64url").toString(),
    );
    expect(refreshClaims.type).toBe("refresh");
    expect(refreshClaims.exp - refreshClaims.iat).toBe(86_400);
  });

  it("answers 401 with the same message for a wrong password and an unknown user", async () => {
    const user = await registerUser(server.app);
    const wrong = await post("/api/auth/login/", { username: user.username, password: "wrong-password" });
    const unknown = await post("/api/auth/login/", { username: "nobody-here", password: "whatever1" });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().code).toBe("no_active_account");
  });

  it("answers 400 for a missing field", async () => {
    const response = await post("/api/auth/login/", { username: "alice" });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toHaveProperty("password");
  });
});

describe("POST /api/auth/refresh/", () => {
  it("returns a new access token and a rotated refresh token", async () => {
    const user = await registerUser(server.app);
    const response = await post("/api/auth/refresh/", { refresh: user.refresh });
    expect(response.statusCode).toBe(200);
    const { access, refresh } = response.json();
    expect(refresh).not.toBe(user.refresh);
    expect((await me(access)).json()).toMatchObject({ id: user.id, username: user.username });
  });

  it("revokes the whole family when an already used refresh token comes back after the grace window", async () => {
    const user = await registerUser(server.app);
    const rotated = (await post("/api/auth/refresh/", { refresh: user.refresh })).json();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const replay = await post("/api/auth/refresh/", { refresh: user.refresh });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe("token_not_valid");
    // The legitimate successor dies with it: whoever stole the first token gains nothing.
    const successor = await post("/api/auth/refresh/", { refresh: rotated.refresh });
    expect(successor.statusCode).toBe(401);
  });

  it("gives five refreshes with one token at once the same successor: the session stays one chain (tabs, retries)", async () => {
    const user = await registerUser(server.app);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post("/api/auth/refresh/", { refresh: user.refresh })),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const successors = new Set(answers.map((answer) => answer.json().refresh));
    expect(successors.size).toBe(1);
    for (const answer of answers) expect((await me(answer.json().access)).statusCode).toBe(200);
    const [successor] = successors;
    expect((await post("/api/auth/refresh/", { refresh: successor })).statusCode).toBe(200);
  });

  it("refuses an access token where a refresh token is expected", async () => {
    const user = await registerUser(server.app);
    const response = await post("/api/auth/refresh/", { refresh: user.access });
    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
  });
});

describe("POST /api/auth/logout/", () => {
  it("revokes the refresh token", async () => {
    const user = await registerUser(server.app);
    expect((await post("/api/auth/logout/", { refresh: user.refresh })).statusCode).toBe(204);
    expect((await post("/api/auth/refresh/", { refresh: user.refresh })).statusCode).toBe(401);
  });

  it("ends the session's access tokens at once, and only that session's", async () => {
    const user = await registerUser(server.app);
    const other = (
      await post("/api/auth/login/", { username: user.username, password: user.password })
    ).json<{ access: string }>();
    expect((await me(user.access)).statusCode).toBe(200);
    expect((await post("/api/auth/logout/", { refresh: user.refresh })).statusCode).toBe(204);
    const refused = await me(user.access);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: "token_not_valid", detail: "Token is blacklisted." });
    expect((await me(other.access)).statusCode).toBe(200);
  });
});

describe("access tokens", () => {
  const secret = new TextEncoder().encode(TEST_JWT_SECRET);

  it("GET /api/auth/me/ returns the caller", async () => {
    const user = await registerUser(server.app);
    const response = await me(user.access);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: user.id,
      username: user.username,
      email: `${user.username}@example.com`,
    });
  });

  it("401 with WWW-Authenticate when the token is missing", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/auth/me/" });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe("not_authenticated");
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="api"');
  });

  it("401 for a refresh token used as an access token", async () => {
    const user = await registerUser(server.app);
    const response = await me(user.refresh);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe("token_not_valid");
  });

  it("401 for a token signed with another key", async () => {
    const forged = await new SignJWT({ type: "access" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("1")
      .setJti("x")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("another-secret-that-is-also-long-enough-000000"));
    const response = await me(forged);
    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toContain('error="invalid_token"');
  });

  it("401 for an unsigned alg:none token", async () => {
    const unsigned = new UnsecuredJWT({ type: "access", jti: "x" })
      .setSubject("1")
      .setIssuedAt()
      .setExpirationTime("5m");
    expect((await me(unsigned.encode())).statusCode).toBe(401);
  });

  it("401 for an expired token, saying so", async () => {
    const user = await registerUser(server.app);
    const expired = await new SignJWT({ type: "access" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(user.id))
      .setJti("x")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(secret);
    const response = await me(expired);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: "Token is expired.", code: "token_not_valid" });
  });

  it("401 for a malformed Authorization header", async () => {
    const response = await server.app.inject({
      method: "GET",
      url: "/api/auth/me/",
      headers: { authorization: "Token abc" },
    });
    expect(response.statusCode).toBe(401);
  });
});
