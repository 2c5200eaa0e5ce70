import type { TestUser } from "@prompt-service/testkit";
import type { FastifyInstance } from "fastify";

/** A new `ps_` key of `user`, through POST /api/keys: what an app is given to call /v1 with. */
export async function createApiKey(app: FastifyInstance, user: TestUser): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: "/api/keys",
    headers: user.headers,
    payload: { name: "openai client" },
  });
  if (response.statusCode !== 201) throw new Error(`POST /api/keys: ${response.statusCode} ${response.body}`);
  return response.json<{ key: string }>().key;
}
