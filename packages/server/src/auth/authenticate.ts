import type { FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";
import type { SessionRevocations } from "./session-revocations.js";
import { invalidToken, type TokenService, type VerifiedToken } from "./tokens.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `authenticate` on routes that require a user. */
    userId?: number;
  }
}

const CHALLENGE = 'Bearer realm="api"';

/** Reads `Authorization: Bearer <token>`; undefined when the header is absent. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new ApiError("not_authenticated", "Authorization header must be 'Bearer <token>'.", {
      headers: { "www-authenticate": CHALLENGE },
    });
  }
  return match[1];
}

/** Verifies an access token and refuses one whose session has ended (logged out, or its refresh token stolen). */
export async function verifyAccess(
  tokens: TokenService,
  revocations: SessionRevocations,
  token: string,
): Promise<VerifiedToken> {
  const verified = await tokens.verify(token, "access");
  if (verified.session !== undefined && revocations.has(verified.session)) {
    throw invalidToken("Token is blacklisted.");
  }
  return verified;
}

/** An onRequest hook that requires (before the body is read, so anonymous callers get 401, not 400) a valid access token and records the caller's id on the request. */
export function authenticate(tokens: TokenService, revocations: SessionRevocations) {
  return async function requireUser(request: FastifyRequest): Promise<void> {
    const token = bearerToken(request);
    if (!token)
      throw new ApiError("not_authenticated", undefined, { headers: { "www-authenticate": CHALLENGE } });
    request.userId = (await verifyAccess(tokens, revocations, token)).userId;
  };
}

/** The caller's id on a route guarded by `authenticate`. */
export function userIdOf(request: FastifyRequest): number {
  if (request.userId === undefined) throw new ApiError("not_authenticated");
  return request.userId;
}
