import { registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ listen: false });
});
afterAll(() => server.close());

it("refuses a username that differs from an existing one only in case, and still logs in by the exact name", async () => {
  const alice = await registerUser(server.app, "CaseAlice");
  for (const username of ["casealice", "CASEALICE", "caseAlice"]) {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/auth/register/",
      payload: { username, email: `${username}@example.com`, password: "secret123" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "invalid",
      fields: { username: ["A user with that username already exists."] },
    });
  }
  const login = await server.app.inject({
    method: "POST",
    url: "/api/auth/login/",
    payload: { username: "CaseAlice", password: alice.password },
  });
  expect(login.statusCode).toBe(200);
});

it("the database refuses the second of two such names registered at the same moment", async () => {
  const results = await Promise.allSettled([
    server.storage.users.create({ username: "RaceBob", email: "a@example.com", passwordHash: "x" }),
    server.storage.users.create({ username: "racebob", email: "b@example.com", passwordHash: "x" }),
  ]);
  expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
});
