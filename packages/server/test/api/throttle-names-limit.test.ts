import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterEach, expect, it } from "vitest";

let server: TestServer | undefined;
afterEach(() => server?.close());

const login = (username: string) =>
  server?.app.inject({
    method: "POST",
    url: "/api/auth/login/",
    payload: { username, password: "wrong-password" },
  });

it("a 429 on login names the per-address limit when that one refused, not the smaller per-username one", async () => {
  server = await startServer({ listen: false, loginAddressRateLimits: "3/min", loginRateLimits: "10/min" });
  for (const name of ["a1", "a2", "a3"]) expect((await login(name))?.statusCode).toBe(401);
  const refused = await login("a4");
  expect(refused?.statusCode).toBe(429);
  expect(refused?.headers["ratelimit-limit"]).toBe("3");
  expect(refused?.headers["ratelimit-policy"]).toBe("3;w=60");
  expect(refused?.json().detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds\.$/);
});

it("and the per-username limit when that one refused", async () => {
  server = await startServer({
    listen: false,
    loginAddressRateLimits: "30/min",
    loginRateLimits: "2/min,50/h",
  });
  for (let i = 0; i < 2; i++) expect((await login("bob"))?.statusCode).toBe(401);
  const refused = await login("bob");
  expect(refused?.statusCode).toBe(429);
  expect(refused?.headers["ratelimit-limit"]).toBe("2");
  expect(refused?.headers["ratelimit-policy"]).toBe("2;w=60");
});
