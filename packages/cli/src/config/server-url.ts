import { UsageError } from "../errors.js";
import { LOOPBACK_HOSTS } from "./loopback.js";

/** Where `npm start` and `prompt serve` listen by default, written as the README's curl examples write it. */
export const DEFAULT_SERVER = "http://localhost:8000";

const withoutTrailingSlash = (url: URL) => `${url.origin}${url.pathname.replace(/\/+$/, "")}`;

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
  return withoutTrailingSlash(url);
}

/**
 * Which server a URL stands for, as the saved sessions know it: `localhost`, `127.0.0.1` and `[::1]` with the same
 * scheme and port are one server, since `npm start` is reached through any of them. Commands still connect to the
 * URL as given; only the session is shared.
 */
export function serverIdentity(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return server; // a key written by hand into the credentials file: it can only match itself
  }
  if (LOOPBACK_HOSTS.has(url.hostname)) url.hostname = "localhost";
  return withoutTrailingSlash(url);
}
