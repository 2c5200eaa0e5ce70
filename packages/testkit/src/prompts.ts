import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { TestUser } from "./users.js";

/**
 * `POST /api/prompts` as `user`, through `inject`: `body` is the prompt's text, or the whole request body (which
 * may be anything, for the tests of bad input). `headers` add to the user's authorization.
 */
export function createPrompt(
  app: FastifyInstance,
  user: TestUser,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "POST",
    url: "/api/prompts",
    headers: { ...user.headers, ...headers },
    payload: (typeof body === "string" ? { prompt: body } : body) as object,
  });
}
