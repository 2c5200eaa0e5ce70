import { validationError } from "../errors.js";
import type { PromptCursor } from "../storage/index.js";

/** Opaque to clients: base64url of `[created_at ISO, id]`, the keyset of the last prompt of a page. */
export function encodeCursor(cursor: PromptCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString("base64url");
}

export function decodeCursor(encoded: string): PromptCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as unknown[];
    const date = new Date(String(createdAt));
    if (typeof createdAt === "string" && Number.isSafeInteger(id) && !Number.isNaN(date.getTime())) {
      return { createdAt: date, id: id as number };
    }
  } catch {
    // fall through to the validation error below
  }
  throw validationError({ cursor: ["Invalid cursor."] });
}
