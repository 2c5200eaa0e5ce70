import { validationError } from "../http/api-error.js";
import type { PromptCursor } from "../storage/index.js";

/** Opaque to clients: base64url of `[created_at ISO, id]`, the keyset of the last prompt of a page. */
export function encodeCursor(cursor: PromptCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString("base64url");
}

/**
 * Only what encodeCursor can have made is accepted: a timestamp in the canonical form toISOString gives, within the
 * years a stored prompt can have, and a positive id. Anything else (a forged cursor such as year 0, which
 * PostgreSQL refuses) is a 400, not a query.
 */
export function decodeCursor(encoded: string): PromptCursor {
  try {
    const decoded = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [createdAt, id] = decoded as unknown[];
      const date = new Date(String(createdAt));
      const year = date.getUTCFullYear();
      const canonical = !Number.isNaN(date.getTime()) && date.toISOString() === createdAt;
      if (canonical && year >= 2000 && year <= 9999 && Number.isSafeInteger(id) && (id as number) > 0) {
        return { createdAt: date, id: id as number };
      }
    }
  } catch {
    // fall through to the validation error below
  }
  throw validationError({ cursor: ["Invalid cursor."] });
}
