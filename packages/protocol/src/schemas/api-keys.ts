import { Type } from "typebox";
import { StoredText } from "./text.js";

export const MAX_KEY_NAME_LENGTH = 100;

export const CreateKeyBody = Type.Object({
  name: StoredText({
    minLength: 1,
    maxLength: MAX_KEY_NAME_LENGTH,
    description: "What the key is for, to tell keys apart; surrounding whitespace is trimmed.",
    example: "ci-job",
  }),
  expires_in: Type.Optional(
    Type.String({
      maxLength: 32,
      description:
        "How long the key works: a duration such as `30d`, `12h` or a number of seconds. Without it the key " +
        "does not expire.",
      example: "30d",
    }),
  ),
});

const keyFields = {
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: "The key's first characters, to recognise it by." }),
  created_at: Type.String({ format: "date-time" }),
  expires_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  last_used_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "Updated at most once a minute.",
  }),
};

export const ApiKeyBody = Type.Object(keyFields, { $id: "ApiKey" });

export const NewApiKeyBody = Type.Object(
  {
    ...keyFields,
    key: Type.String({
      description: "The key, `ps_` and 64 hex digits. Shown only in this answer: only its hash is stored.",
    }),
  },
  { $id: "NewApiKey" },
);

export const ApiKeyList = Type.Object({ results: Type.Array(ApiKeyBody, { description: "Newest first." }) });
