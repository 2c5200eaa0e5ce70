import type { Migration } from "./migration.js";

/**
 * Lets every instance find the sessions revoked since its last look (logout ends a session everywhere at once), and
 * the periodic clean-up find expired tokens.
 */
export const refreshTokensRevokedAt: Migration = {
  version: 4,
  name: "refresh_tokens_revoked_at",
  sql: `
CREATE INDEX refresh_tokens_revoked_idx ON refresh_tokens (revoked_at);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);
`,
};
