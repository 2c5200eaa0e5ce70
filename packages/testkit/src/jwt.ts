const base64Url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * An unsigned JWT with the given claims: the SDK reads `iat`/`exp` without verifying, and the real server rejects
 * it as forged, which is what tests of the 401 path need.
 */
export function fakeJwt(claims: { iat?: number; exp?: number; [claim: string]: unknown }): string {
  return `${base64Url({ alg: "HS256", typ: "JWT" })}.${base64Url(claims)}.not-a-signature`;
}

let issued = 0;

/** A token issued now that expires in `seconds`, by Date.now() (fake time under fake timers). */
export function jwtExpiringIn(seconds: number, lifetimeSeconds = 300): string {
  const now = Math.floor(Date.now() / 1000);
  return fakeJwt({
    sub: "1",
    iat: now + seconds - lifetimeSeconds,
    exp: now + seconds,
    jti: String(++issued),
  });
}
