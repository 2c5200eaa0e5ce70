import type { IdempotencyClaim, IdempotencyRepository } from "./port.js";
import { type SqlDatabase, toId } from "./sql.js";

interface KeyRow {
  fingerprint: string;
  completed_at: Date | null;
  response_status: number | null;
  prompt_id: string | number | null;
}

/** Idempotency keys per user: the primary key (user_id, key) makes every instance agree on who runs a request. */
export class SqlIdempotencyKeys implements IdempotencyRepository {
  constructor(private readonly db: SqlDatabase) {}

  claim(
    userId: number,
    key: string,
    fingerprint: string,
    ttlMs: number,
    staleMs: number,
  ): Promise<IdempotencyClaim> {
    return this.db.transaction(async (tx) => {
      // An expired result, or a claim whose instance died before finishing, no longer holds the key.
      await tx.query(
        `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2
            AND (created_at < now() - $3 * interval '1 millisecond'
                 OR (completed_at IS NULL AND created_at < now() - $4 * interval '1 millisecond'))`,
        [userId, key, ttlMs, staleMs],
      );
      const inserted = await tx.query(
        `INSERT INTO idempotency_keys (user_id, key, fingerprint) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
        [userId, key, fingerprint],
      );
      if (inserted.rows.length > 0) return { status: "claimed" };
      const { rows } = await tx.query<KeyRow>(
        "SELECT fingerprint, completed_at, response_status, prompt_id FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        [userId, key],
      );
      const row = rows[0];
      // Released between the insert and the select: the caller may simply try again.
      if (!row) return { status: "running" };
      if (row.fingerprint !== fingerprint) return { status: "mismatch" };
      if (row.completed_at === null || row.response_status === null || row.prompt_id === null) {
        return { status: "running" };
      }
      return { status: "completed", responseStatus: row.response_status, promptId: toId(row.prompt_id) };
    });
  }

  async complete(userId: number, key: string, responseStatus: number, promptId: number): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET completed_at = now(), response_status = $3, prompt_id = $4
        WHERE user_id = $1 AND key = $2`,
      [userId, key, responseStatus, promptId],
    );
  }

  async release(userId: number, key: string): Promise<void> {
    await this.db.query(
      "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND completed_at IS NULL",
      [userId, key],
    );
  }
}
