import type { FastifyRequest } from "fastify";
import { InvalidTokenError } from "../errors.js";
import { ApiError } from "../http/api-error.js";
import type { AccountDeletions } from "./account-deletions.js";
import type { ApiKeyAuth } from "./api-keys/api-key-auth.js";
import { isApiKey } from "./api-keys/key-material.js";
import type { SessionRevocations } from "./session-revocations.js";
import type { TokenService } from "./tokens.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `authenticate` on routes that require a user. */
    userId?: number;
    /** Set by `authenticate` when the caller used an API key rather than a session's access token. */
    apiKeyId?: number;
  }
}

const CHALLENGE = 'Bearer realm="api"';

/** Who a bearer credential acts for: an access token of a session, or a personal API key. */
interface Caller {
  userId: number;
  /** The session whose end refuses this credential and closes its sockets (a refresh-token family, or the key). */
  session?: string;
  /** When the credential expires, in seconds since the epoch; Infinity for a key without expiry. */
  exp: number;
  /** Set when the credential is an API key. */
  apiKeyId?: number;
}

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

/** Verifies any bearer credential the API takes, wherever it arrives (header, socket query, subprotocol). */
export class Credentials {
  constructor(
    private readonly tokens: TokenService,
    private readonly revocations: SessionRevocations,
    private readonly apiKeys: ApiKeyAuth,
    private readonly deletions: AccountDeletions,
  ) {}

  /** Throws InvalidTokenError for a forged, expired, revoked or ended credential, or one of a deleted account. */
  async verify(token: string): Promise<Caller> {
    const caller = await this.#verify(token);
    if (this.deletions.has(caller.userId)) throw new InvalidTokenError("User not found.");
    return caller;
  }

  async #verify(token: string): Promise<Caller> {
    if (isApiKey(token)) {
      const key = await this.apiKeys.verify(token);
      return { userId: key.userId, session: key.session, exp: key.exp, apiKeyId: key.keyId };
    }
    const verified = await this.tokens.verify(token, "access");
    // An access token of a session that has ended (logged out, or its refresh token stolen) is refused.
    if (verified.session !== undefined && this.revocations.has(verified.session)) {
      throw new InvalidTokenError("Token is blacklisted.");
    }
    return { userId: verified.userId, session: verified.session, exp: verified.exp };
  }
}

/**
 * An onRequest hook that requires (before the body is read, so anonymous callers get 401, not 400) a valid access
 * token or API key, and records the caller on the request.
 */
export function authenticate(credentials: Credentials) {
  return async function requireUser(request: FastifyRequest): Promise<void> {
    const token = bearerToken(request);
    if (!token)
      throw new ApiError("not_authenticated", undefined, { headers: { "www-authenticate": CHALLENGE } });
    const caller = await credentials.verify(token);
    request.userId = caller.userId;
    if (caller.apiKeyId !== undefined) request.apiKeyId = caller.apiKeyId;
  };
}

/**
 * For routes that manage credentials: an API key may not create, list or revoke keys, so that a leaked key cannot
 * mint more keys or hide itself. Runs after `authenticate`.
 */
export async function requireSession(request: FastifyRequest): Promise<void> {
  if (request.apiKeyId !== undefined) {
    throw new ApiError(
      "permission_denied",
      "API keys cannot manage API keys: use an access token from a password login.",
    );
  }
}

/** The caller's id on a route guarded by `authenticate`. */
export function userIdOf(request: FastifyRequest): number {
  if (request.userId === undefined) throw new ApiError("not_authenticated");
  return request.userId;
}
