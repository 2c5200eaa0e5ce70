import type { Migration } from "./migration.js";

/**
 * A used refresh token names the successor it was exchanged for, so that the same token presented again within the
 * grace window (a retried request, two tabs refreshing at once) gets that same successor back instead of a new one:
 * a session stays one chain of tokens. Also indexes the rows still waiting for a vector, which are the background
 * embedding's backlog (see IndexSync).
 */
export const refreshTokensSuccessor: Migration = {
  version: 8,
  name: "refresh_tokens_successor",
  sql: `
ALTER TABLE refresh_tokens ADD COLUMN successor_jti uuid;
CREATE INDEX prompts_without_vector_idx ON prompts (id) WHERE embedding IS NULL;
`,
};
