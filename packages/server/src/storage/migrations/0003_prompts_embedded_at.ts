import type { Migration } from "./migration.js";

/**
 * A prompt is stored as soon as its answer exists and its vector follows: embedded_at tells the other instances which
 * vectors arrived since their last look, as created_at tells them which prompts did. Prompts embedded before this
 * column existed keep NULL; they were searchable everywhere long before.
 */
export const promptsEmbeddedAt: Migration = {
  version: 3,
  name: "prompts_embedded_at",
  sql: `
ALTER TABLE prompts ADD COLUMN embedded_at timestamptz;
CREATE INDEX prompts_embedded_idx ON prompts (embedded_at);
`,
};
