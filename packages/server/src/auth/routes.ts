import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  ErrorBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  TokenPair,
  UserBody,
} from "@prompt-service/protocol/schemas";
import { InvalidTokenError } from "../errors.js";
import { ApiError, validationError } from "../http/api-error.js";
import { authenticatedErrors } from "../http/schemas.js";
import { slashVariants } from "../http/slash-variants.js";
import { type ThrottleCheck, throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import { UniqueViolationError } from "../storage/index.js";
import { hashForUnknownUsers, hashPassword, verifyPassword } from "./passwords.js";
import { UserLookup } from "./user-lookup.js";

const tags = ["auth"];

/** How often refresh tokens that have expired are deleted. */
const EXPIRED_TOKENS_SWEEP_MS = 60 * 60 * 1000;

export const authRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { storage, tokens, authenticate, limiters, revocations } = context;
  const users = new UserLookup(storage);
  const sweep = setInterval(() => {
    storage.refreshTokens
      .deleteExpired()
      .then((deleted) => deleted > 0 && app.log.info({ deleted }, "expired refresh tokens deleted"))
      .catch((error: unknown) => app.log.warn({ err: error }, "could not delete expired refresh tokens"));
  }, EXPIRED_TOKENS_SWEEP_MS);
  sweep.unref();
  app.addHook("onClose", async () => clearInterval(sweep));
  // Against password guessing: per client address first (many accounts tried from one place), then per username
  // from that address (one account tried over and over). Keyed by username and address, so that nobody can lock
  // another person out of their account by failing to log in as them. Counted after validation, since the username
  // comes from the body.
  const throttleLogin = throttle(
    [
      { limiter: limiters.loginByAddress, keyOf: (request) => request.ip },
      {
        limiter: limiters.loginByUsername,
        keyOf: (request) => `${(request.body as { username: string }).username}\u0000${request.ip}`,
      },
    ],
    "preHandler",
  );
  const perAddress = (limiter: ThrottleCheck["limiter"]) =>
    throttle([{ limiter, keyOf: (request) => request.ip }]);
  const throttleRegister = perAddress(limiters.register);
  const throttleTokens = perAddress(limiters.tokens);

  /** A new access token and a refresh token, recorded as the start of (or the next in) a rotation family. */
  async function issuePair(userId: number, familyId: string = randomUUID()) {
    const [access, refresh] = await Promise.all([
      tokens.issue("access", userId, { session: familyId }),
      tokens.issue("refresh", userId, { session: familyId }),
    ]);
    await storage.refreshTokens.issue({ jti: refresh.jti, userId, familyId, expiresAt: refresh.expiresAt });
    return { access: access.token, refresh: refresh.token };
  }

  const registerSchema = {
    operationId: "register",
    tags,
    summary: "Create an account",
    body: RegisterBody,
    response: { 201: UserBody, 400: ErrorBody, 429: ErrorBody },
  };
  const taken = () => validationError({ username: ["A user with that username already exists."] });
  for (const route of slashVariants("/api/auth/register/", registerSchema)) {
    app.post(route.url, { schema: route.schema, config: throttleRegister }, async (request, reply) => {
      const { username, email, password } = request.body;
      // A taken name costs no password hash (scrypt is made to be slow): asked before, and the unique index
      // still decides a race between two registrations of one name.
      // Names that differ only in case are one name: "Alice" cannot register beside "alice".
      if (await storage.users.usernameTaken(username)) throw taken();
      try {
        const user = await storage.users.create({
          username,
          email,
          passwordHash: await hashPassword(password),
        });
        request.log.info({ userId: user.id }, "user registered");
        return reply.code(201).send({ id: user.id, username: user.username, email: user.email });
      } catch (error) {
        if (error instanceof UniqueViolationError) throw taken();
        throw error;
      }
    });
  }

  const loginSchema = {
    operationId: "login",
    tags,
    summary: "Obtain an access and a refresh token",
    body: LoginBody,
    response: { 200: TokenPair, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
  };
  for (const route of slashVariants("/api/auth/login/", loginSchema)) {
    app.post(route.url, { schema: route.schema, config: throttleLogin }, async (request) => {
      const { username, password } = request.body;
      const user = await storage.users.findByUsername(username);
      const valid = await verifyPassword(password, user?.passwordHash ?? (await hashForUnknownUsers()));
      if (!user || !valid) throw new ApiError("no_active_account");
      return issuePair(user.id);
    });
  }

  const refreshSchema = {
    operationId: "refreshTokens",
    tags,
    summary: "Exchange a refresh token for a new access token and a rotated refresh token",
    description:
      "Each refresh token works once. Presenting one that was already used revokes its whole family: " +
      "the holder must log in again.",
    body: RefreshBody,
    response: { 200: TokenPair, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
  };
  for (const route of slashVariants("/api/auth/refresh/", refreshSchema)) {
    app.post(route.url, { schema: route.schema, config: throttleTokens }, async (request) => {
      const presented = await tokens.verify(request.body.refresh, "refresh");
      const outcome = await storage.refreshTokens.rotate(
        presented.jti,
        tokens.next("refresh"),
        // A retried request, two tabs or two CLI processes refreshing at once: each gets the same successor, so
        // that the session stays one chain of tokens.
        context.config.refreshReuseGrace,
      );
      if (outcome.status === "reused") {
        request.log.warn({ userId: outcome.userId }, "refresh token re-used: token family revoked");
        if (presented.session) revocations.revoke(presented.session);
      }
      if (outcome.status !== "rotated") throw new InvalidTokenError("Token is blacklisted.");
      const [access, refresh] = await Promise.all([
        tokens.issue("access", outcome.userId, { session: outcome.familyId }),
        tokens.issue("refresh", outcome.userId, { session: outcome.familyId, id: outcome.successor }),
      ]);
      return { access: access.token, refresh: refresh.token };
    });
  }

  const logoutSchema = {
    operationId: "logout",
    tags,
    summary: "Revoke a refresh token and every token rotated from it",
    body: RefreshBody,
    response: {
      204: { type: "null", description: "Revoked." },
      400: ErrorBody,
      401: ErrorBody,
      429: ErrorBody,
    },
  };
  for (const route of slashVariants("/api/auth/logout/", logoutSchema)) {
    app.post(route.url, { schema: route.schema, config: throttleTokens }, async (request, reply) => {
      const presented = await tokens.verify(request.body.refresh, "refresh");
      const session = await storage.refreshTokens.revokeFamilyOf(presented.jti);
      // Its access tokens are refused and its sockets closed here at once, on other instances within a poll.
      if (session) revocations.revoke(session);
      return reply.code(204).send();
    });
  }

  const meSchema = {
    operationId: "getCurrentUser",
    tags,
    summary: "The authenticated user",
    security: [{ bearerAuth: [] }],
    response: { 200: UserBody, ...authenticatedErrors },
  };
  for (const route of slashVariants("/api/auth/me/", meSchema)) {
    app.get(route.url, { schema: route.schema, onRequest: authenticate }, async (request) => {
      const user = request.userId === undefined ? undefined : await users.byId(request.userId);
      if (!user) throw new InvalidTokenError("User not found.");
      return user;
    });
  }
};
