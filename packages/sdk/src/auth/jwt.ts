/** When a token was issued and when it expires, in ms since the epoch. */
interface TokenLifetime {
  issuedAt: number | undefined;
  expiresAt: number;
}

/** The longest a token is refreshed ahead of its expiry. */
const MAX_REFRESH_MARGIN_MS = 30_000;

function decodeBase64Url(text: string): string {
  // atob accepts unpadded base64 and exists in Node and browsers alike, unlike Buffer.
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/**
 * The `iat` and `exp` claims of a JWT; undefined when `token` is not a JWT with an expiry. Reading claims needs
 * no key and proves nothing: the server stays the judge, this only tells when to refresh.
 */
export function tokenLifetime(token: string): TokenLifetime | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(decodeBase64Url(payload)) as { iat?: unknown; exp?: unknown };
    if (typeof claims.exp !== "number") return undefined;
    return {
      issuedAt: typeof claims.iat === "number" ? claims.iat * 1000 : undefined,
      expiresAt: claims.exp * 1000,
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether `token` should be refreshed before it is used: it expires within 30 seconds, or within a quarter of
 * its lifetime for short-lived tokens (so that a 10-second token is not refreshed on every call). A token
 * without a readable expiry is used until the server rejects it.
 */
export function expiresSoon(token: string, now = Date.now()): boolean {
  const lifetime = tokenLifetime(token);
  if (!lifetime) return false;
  const span =
    lifetime.issuedAt === undefined ? Number.POSITIVE_INFINITY : lifetime.expiresAt - lifetime.issuedAt;
  return now >= lifetime.expiresAt - Math.min(MAX_REFRESH_MARGIN_MS, span / 4);
}
