import type { HousekeepingRepository } from "./port.js";
import type { SqlExecutor } from "./sql.js";

/** Deletes what is kept only for a while: tombstones other instances have read, and expired idempotency keys. */
export class SqlHousekeeping implements HousekeepingRepository {
  constructor(private readonly db: SqlExecutor) {}

  async sweep(before: Date, keysBefore: Date): Promise<number> {
    const { rows } = await this.db.query<{ count: string | number }>(
      `WITH prompts AS (DELETE FROM prompt_deletions WHERE deleted_at < $1 RETURNING 1),
            accounts AS (DELETE FROM account_deletions WHERE deleted_at < $1 RETURNING 1),
            keys AS (DELETE FROM idempotency_keys WHERE created_at < $2 RETURNING 1)
       SELECT (SELECT count(*) FROM prompts) + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM keys) AS count`,
      [before, keysBefore],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
