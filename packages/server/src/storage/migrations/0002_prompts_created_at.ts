import type { Migration } from "./migration.js";

/** Lets each instance find the prompts other instances created since its last look (similarity index sync). */
export const promptsCreatedAt: Migration = {
  version: 2,
  name: "prompts_created_at",
  sql: "CREATE INDEX prompts_created_idx ON prompts (created_at);",
};
