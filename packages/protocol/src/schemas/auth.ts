import { Type } from "typebox";
import { StoredText } from "./text.js";

/**
 * A password of whole characters: a lone UTF-16 surrogate (half of an emoji, from a broken client) becomes U+FFFD on
 * its way to the hash, so that different passwords would hash the same. Ajv matches in Unicode mode, where a valid
 * pair is one code point outside the class and a lone half is inside it.
 */
const Password = (minLength: number) =>
  Type.String({
    minLength,
    maxLength: 1024,
    pattern: "^[^\\ud800-\\udfff]*$",
    "x-error": "Passwords must be valid Unicode text (no lone surrogate characters).",
    example: "secret123",
  });

export const RegisterBody = Type.Object({
  // ASCII only: Unicode letters let look-alike names ("аlice" with a Cyrillic а) pass for someone else's, and some
  // tools compile patterns without Unicode mode.
  username: Type.String({
    minLength: 3,
    maxLength: 150,
    pattern: "^[A-Za-z0-9_.@+-]+$",
    "x-error":
      "Enter a valid username. This value may contain only English letters, numbers, and @/./+/-/_ characters.",
    example: "alice",
  }),
  email: StoredText({ format: "email", maxLength: 254, example: "alice@example.com" }),
  password: Password(8),
});

export const UserBody = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    email: Type.String(),
  },
  { $id: "User" },
);

export const LoginBody = Type.Object({
  username: StoredText({ minLength: 1, maxLength: 150, example: "alice" }),
  password: Password(1),
});

export const TokenPair = Type.Object({
  access: Type.String({ description: "Access token (JWT), sent as `Authorization: Bearer <access>`." }),
  refresh: Type.String({ description: "Refresh token (JWT); rotated on every refresh." }),
});

export const RefreshBody = Type.Object({
  refresh: Type.String({ minLength: 1, maxLength: 4096 }),
});

export const DeleteAccountBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 1024, description: "The account's password, again." }),
});
