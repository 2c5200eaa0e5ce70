import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { DeleteAccountBody, ErrorBody } from "@prompt-service/protocol/schemas";
import { ApiError } from "../http/api-error.js";
import { authenticatedErrors } from "../http/schemas.js";
import { slashVariants } from "../http/slash-variants.js";
import { throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import { requireSession, userIdOf } from "./authenticate.js";
import { verifyPassword } from "./passwords.js";

/**
 * `DELETE /api/auth/me/`: the account and everything it owns, everywhere, at once. It takes the password again (a
 * stolen access token alone cannot erase an account) and a session (not an API key), and it is throttled as login
 * is, since it is one more place to guess a password.
 */
export const deleteAccountRoute: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { storage, authenticate, limiters, deletions } = context;
  const throttleAttempts = throttle(
    [
      { limiter: limiters.loginByAddress, keyOf: (request) => request.ip },
      { limiter: limiters.loginByUsername, keyOf: (request) => `id:${userIdOf(request)}\u0000${request.ip}` },
    ],
    "preHandler",
  );
  const schema = {
    operationId: "deleteAccount",
    tags: ["auth"],
    summary: "Delete the account and everything it owns",
    description:
      "Prompts, refresh tokens, API keys, usage and idempotency keys go with it. Every access token and key of the " +
      "account is refused at once on this instance and within a second on the others; its WebSockets close with " +
      "code 4410. The username can be registered again.",
    security: [{ bearerAuth: [] }],
    body: DeleteAccountBody,
    response: {
      204: { type: "null", description: "Deleted." },
      ...authenticatedErrors,
      403: ErrorBody,
      429: ErrorBody,
    },
  };
  for (const route of slashVariants("/api/auth/me/", schema)) {
    app.delete(
      route.url,
      { schema: route.schema, onRequest: [authenticate, requireSession], config: throttleAttempts },
      async (request, reply) => {
        const userId = userIdOf(request);
        const user = await storage.users.findById(userId);
        if (!user || !(await verifyPassword(request.body.password, user.passwordHash))) {
          throw new ApiError("authentication_failed", "Password is incorrect: the account was not deleted.");
        }
        await storage.users.delete(userId);
        // This instance refuses the account's credentials and closes its sockets now; the others within a poll.
        deletions.deleted(userId);
        request.log.info({ event: "account_deleted", userId }, "account deleted");
        return reply.code(204).send();
      },
    );
  }
};
