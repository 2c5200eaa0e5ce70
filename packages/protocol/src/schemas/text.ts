import { type TStringOptions, Type } from "typebox";

/**
 * Text that is stored or looked up in the database. PostgreSQL's text cannot hold U+0000, so a NUL character is
 * refused with the other validation errors (Django REST framework's message), before any work is done for it.
 */
export const StoredText = (options: TStringOptions = {}) =>
  Type.String({ pattern: "^[^\\u0000]*$", "x-error": "Null characters are not allowed.", ...options });
