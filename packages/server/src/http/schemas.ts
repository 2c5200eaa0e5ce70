import { type TStringOptions, Type } from "typebox";
import { ERROR_CODES } from "../errors.js";

export const ErrorBody = Type.Object(
  {
    detail: Type.String({ description: "Human-readable explanation." }),
    code: Type.Union(
      Object.keys(ERROR_CODES).map((code) => Type.Literal(code)),
      { description: "Machine-readable error code." },
    ),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description: "Validation messages per field (validation errors only).",
      }),
    ),
  },
  { $id: "ErrorBody", description: "Every error response has this shape." },
);

/** Error responses every authenticated route may give. */
export const authenticatedErrors = {
  400: ErrorBody,
  401: ErrorBody,
} as const;

/** Error responses of a route that waits on a provider (language model, embeddings): it failed, or timed out. */
export const providerErrors = {
  502: ErrorBody,
  504: ErrorBody,
} as const;

/**
 * Text that is stored or looked up in the database. PostgreSQL's text cannot hold U+0000, so a NUL character is
 * refused with the other validation errors (Django REST framework's message), before any work is done for it.
 */
export const StoredText = (options: TStringOptions = {}) =>
  Type.String({ pattern: "^[^\\u0000]*$", "x-error": "Null characters are not allowed.", ...options });
