import { UsageError } from "../errors.js";

/**
 * The canonical form of a server URL, so that `http://Host:8000/` and `http://host:8000` share one login:
 * lower-case host, no trailing slash, no query. A path prefix (a server mounted under /api-x) is kept.
 */
export function normalizeServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`the server must be an http:// or https:// URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`the server must be an http:// or https:// URL, got "${value}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
