import type { Migration } from "./migration.js";

/**
 * A prompt answered with an earlier answer of the same user (ANSWER_REUSE_MIN_SCORE) names that earlier prompt; NULL
 * for a prompt the model answered.
 */
export const promptsReusedFrom: Migration = {
  version: 5,
  name: "prompts_reused_from",
  sql: "ALTER TABLE prompts ADD COLUMN reused_from bigint REFERENCES prompts (id) ON DELETE SET NULL;",
};
