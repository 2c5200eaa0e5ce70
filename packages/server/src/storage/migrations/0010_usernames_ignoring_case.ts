import type { Migration } from "./migration.js";

/**
 * Usernames that differ only in case ("Alice" and "alice") are one name: registration refuses the second, and this
 * unique index decides a race between two such registrations. A database that already holds such pairs (created
 * before this rule) keeps them, so as not to lose an account: it gets a plain index instead, and registration still
 * refuses new ones.
 */
export const usernamesIgnoringCase: Migration = {
  version: 10,
  name: "usernames_ignoring_case",
  sql: `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM users GROUP BY lower(username) HAVING count(*) > 1) THEN
    CREATE INDEX users_username_lower_idx ON users (lower(username));
  ELSE
    CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username));
  END IF;
END
$$;
`,
};
