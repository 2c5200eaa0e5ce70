import type { Migration } from "./migration.js";

/**
 * Personal API keys. Only a SHA-256 of the key is kept: a key is 256 random bits, so a fast hash is as safe as a slow
 * one and lets a request find its key by equality on an index. `prefix` is what a person sees to tell keys apart.
 * `revoked_at` is kept (rather than deleting the row) so that other instances learn of the revocation from the
 * database, as they learn of ended sessions from refresh_tokens.revoked_at.
 */
export const apiKeys: Migration = {
  version: 6,
  name: "api_keys",
  sql: `
CREATE TABLE api_keys (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     bytea NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  expires_at   timestamptz(3),
  last_used_at timestamptz(3),
  revoked_at   timestamptz(3)
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC, id DESC);
CREATE INDEX api_keys_revoked_idx ON api_keys (revoked_at) WHERE revoked_at IS NOT NULL;
`,
};
