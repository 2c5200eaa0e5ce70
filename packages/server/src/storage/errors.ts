// The database errors that the error handler tells apart (503 and 400), read from what node-postgres and PGlite throw.

/**
 * Whether an error means the database cannot be reached right now (down, restarting, partitioned, pool exhausted)
 * rather than that a query was wrong: the client should get 503 and try again, not a 500.
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);
// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart, cannot connect now).
const SQLSTATE_UNAVAILABLE = /^(08|57P)/;
// node-postgres reports these as plain Errors without a code.
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Query read timeout/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SQLSTATE_UNAVAILABLE.test(code))) return true;
  return typeof message === "string" && MESSAGES.some((pattern) => pattern.test(message));
}

/** SQLSTATE class 22, data exception: a value the database cannot take (a NUL character, a date out of range…). */
export function isDataException(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("22");
}
