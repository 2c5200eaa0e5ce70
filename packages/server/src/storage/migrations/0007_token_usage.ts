import type { Migration } from "./migration.js";

/**
 * Token usage. Each prompt records what its answer cost (0 for prompts stored before this migration, whose cost was
 * never known) and, for chat calls, the whole message list. usage_days rolls the same figures up per user and UTC
 * day, in the transaction that stores the prompt, so that GET /api/usage and the budget read a handful of rows
 * instead of every prompt. Existing prompts are counted into it, so a user's history of calls survives the upgrade.
 */
export const tokenUsage: Migration = {
  version: 7,
  name: "token_usage",
  sql: `
ALTER TABLE prompts
  ADD COLUMN messages jsonb,
  ADD COLUMN prompt_tokens integer NOT NULL DEFAULT 0,
  ADD COLUMN completion_tokens integer NOT NULL DEFAULT 0,
  ADD COLUMN tokens_estimated boolean NOT NULL DEFAULT false;

CREATE TABLE usage_days (
  user_id           bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  day               date NOT NULL,
  prompts           integer NOT NULL DEFAULT 0,
  model_calls       integer NOT NULL DEFAULT 0,
  reused            integer NOT NULL DEFAULT 0,
  prompt_tokens     bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day)
);

INSERT INTO usage_days (user_id, day, prompts, model_calls, reused)
SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, count(*),
       count(*) FILTER (WHERE reused_from IS NULL), count(*) FILTER (WHERE reused_from IS NOT NULL)
  FROM prompts GROUP BY 1, 2;
`,
};
