import type { Migration } from "./migration.js";

/**
 * What deleting data and retrying requests need.
 * - prompt_deletions and account_deletions are tombstones: other instances learn from them, by the database's clock,
 *   which prompts to drop from the indexes they hold and which users' tokens to refuse, as they learn of new prompts
 *   from created_at. They are kept only as long as an instance may need to look back (a housekeeping sweep deletes
 *   older ones).
 * - idempotency_keys remembers, per user and for 24 hours, the result of a request sent with an Idempotency-Key, so
 *   that a retry replays it instead of storing the prompt twice. The primary key is what makes two instances agree.
 */
export const dataLifecycle: Migration = {
  version: 9,
  name: "data_lifecycle",
  sql: `
CREATE TABLE prompt_deletions (
  prompt_id  bigint NOT NULL,
  user_id    bigint NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prompt_deletions_deleted_idx ON prompt_deletions (deleted_at);

CREATE TABLE account_deletions (
  user_id    bigint NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_deletions_deleted_idx ON account_deletions (deleted_at);

CREATE TABLE idempotency_keys (
  user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key             text NOT NULL,
  fingerprint     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  response_status integer,
  prompt_id       bigint,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
`,
};
