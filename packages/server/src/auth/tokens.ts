import { createSecretKey, type KeyObject, randomUUID } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { InvalidTokenError } from "../errors.js";

type TokenType = "access" | "refresh";

interface VerifiedToken {
  userId: number;
  type: TokenType;
  jti: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** The session (refresh-token family) the token belongs to; absent in tokens issued before sessions had ids. */
  session?: string;
}

interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

/** HS256 JSON Web Tokens with the claims sub, type, jti, iat, exp and sid (the session). */
export class TokenService {
  // A KeyObject rather than raw bytes: jose then signs and verifies with node:crypto directly instead of importing
  // the key into WebCrypto on every call, which was a quarter of an authenticated request's CPU.
  private readonly key: KeyObject;
  /**
   * Tokens already verified, until they expire: a client sends the same access token with every request for its
   * whole lifetime, and checking it again (base64, JSON, HMAC, claims) was the largest cost left on a light
   * authenticated route. Only tokens that passed verification get in, so the cache cannot admit a forged one.
   */
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: 10_000 });

  constructor(
    secret: string,
    private readonly ttlSeconds: Record<TokenType, number>,
  ) {
    this.key = createSecretKey(Buffer.from(secret, "utf8"));
  }

  /** The id and expiry a token issued now would have: a refresh token's row is recorded before it is signed. */
  next(type: TokenType, now = new Date()): { jti: string; expiresAt: Date } {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return { jti: randomUUID(), expiresAt: new Date((issuedAt + this.ttlSeconds[type]) * 1000) };
  }

  /**
   * Signs a new token, or, given `id` (see `next`), the token of that id: signed again with the same claims it is the
   * same string, which is how the refresh grace window hands a second caller the successor the first one got.
   */
  async issue(
    type: TokenType,
    userId: number,
    { session, id = this.next(type) }: { session?: string; id?: { jti: string; expiresAt: Date } } = {},
  ): Promise<IssuedToken> {
    const { jti } = id;
    const expiresAt = Math.floor(id.expiresAt.getTime() / 1000);
    const issuedAt = expiresAt - this.ttlSeconds[type];
    const token = await new SignJWT(session ? { type, sid: session } : { type })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(String(userId))
      .setJti(jti)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, jti, expiresAt: new Date(expiresAt * 1000) };
  }

  /** Throws InvalidTokenError for a forged, expired, malformed or wrong-type token. */
  async verify(token: string, expected: TokenType): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known && known.type === expected && known.exp * 1000 > Date.now()) return known;
    let payload: Record<string, unknown>;
    try {
      // Pinning the algorithm refuses `alg: none` and any key-confusion attempt.
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        requiredClaims: ["sub", "jti", "exp"],
      }));
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw new InvalidTokenError(expired ? "Token is expired." : "Token is invalid.");
    }
    const userId = Number(payload.sub);
    if (payload.type !== expected || !Number.isSafeInteger(userId) || typeof payload.jti !== "string") {
      throw new InvalidTokenError(
        `Token has wrong type; expected ${expected === "access" ? "an" : "a"} ${expected} token.`,
      );
    }
    const verified: VerifiedToken = { userId, type: expected, jti: payload.jti, exp: Number(payload.exp) };
    if (typeof payload.sid === "string") verified.session = payload.sid;
    this.verified.set(token, verified);
    return verified;
  }
}
