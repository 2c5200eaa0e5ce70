import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";

export interface TestUser {
  id: number;
  username: string;
  password: string;
  access: string;
  refresh: string;
  /** `{ authorization: "Bearer <access>" }` */
  headers: { authorization: string };
}

/** Registers a user with a unique name through the API and logs it in. */
export async function registerUser(
  app: FastifyInstance,
  username = `u${randomUUID().slice(0, 12)}`,
): Promise<TestUser> {
  const password = "secret123";
  const registered = await app.inject({
    method: "POST",
    url: "/api/auth/register/",
    payload: { username, email: `${username}@example.com`, password },
  });
  if (registered.statusCode !== 201)
    throw new Error(`register failed: ${registered.statusCode} ${registered.body}`);
  const login = await app.inject({
    method: "POST",
    url: "/api/auth/login/",
    payload: { username, password },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const { access, refresh } = login.json<{ access: string; refresh: string }>();
  return {
    id: registered.json<{ id: number }>().id,
    username,
    password,
    access,
    refresh,
    headers: { authorization: `Bearer ${access}` },
  };
}
