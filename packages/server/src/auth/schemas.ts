import { Type } from "typebox";

export const RegisterBody = Type.Object({
  username: Type.String({
    minLength: 3,
    maxLength: 150,
    pattern: "^[\\p{L}\\p{N}_.@+-]+$",
    "x-error":
      "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
    example: "alice",
  }),
  email: Type.String({ format: "email", maxLength: 254, example: "a@b.c" }),
  password: Type.String({ minLength: 8, maxLength: 1024, example: "secret123" }),
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
  username: Type.String({ minLength: 1, maxLength: 150 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const TokenPair = Type.Object({
  access: Type.String({ description: "Access token (JWT), sent as `Authorization: Bearer <access>`." }),
  refresh: Type.String({ description: "Refresh token (JWT); rotated on every refresh." }),
});

export const RefreshBody = Type.Object({
  refresh: Type.String({ minLength: 1, maxLength: 4096 }),
});
