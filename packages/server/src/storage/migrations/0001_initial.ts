import type { Migration } from "./migration.js";

export const initial: Migration = {
  version: 1,
  name: "initial",
  sql: `
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL,
  email         text NOT NULL,
  password_hash text NOT NULL,
  created_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (username);

CREATE TABLE refresh_tokens (
  jti        uuid PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id  uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

-- embedding and embedding_model stay NULL until the similarity index embeds the prompt; they let the vector index
-- be rebuilt from the database at any time.
CREATE TABLE prompts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  prompt          text NOT NULL,
  response        text NOT NULL,
  model           text NOT NULL,
  embedding       bytea,
  embedding_model text,
  created_at      timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX prompts_user_created_idx ON prompts (user_id, created_at DESC, id DESC);
`,
};
