import {
  type IdempotencyClaim,
  type IdempotencyLease,
  IdempotencyLeaseLostError,
  type IdempotencyRepository,
  type StoredPrompt,
} from "./port.js";
import { type SqlDatabase, type SqlExecutor, toId } from "./sql.js";

interface KeyRow {
  fingerprint: string;
  completed_at: Date | null;
  response_status: number | null;
  prompt_id: string | number | null;
}

/**
 * Idempotency keys per user: the primary key (user_id, key) makes every instance agree on who runs a request, and a
 * lease (renewed while the request runs) lets another take over the key of an instance that died or froze.
 */
export class SqlIdempotencyKeys implements IdempotencyRepository {
  constructor(private readonly db: SqlDatabase) {}

  claim(
    userId: number,
    key: string,
    fingerprint: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<IdempotencyClaim> {
    const owner = crypto.randomUUID();
    return this.db.transaction(async (tx) => {
      // An expired result, or a claim whose lease ran out, no longer holds the key.
      await tx.query(
        `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2
            AND (created_at < now() - $3 * interval '1 millisecond'
                 OR (completed_at IS NULL AND lease_until < now()))`,
        [userId, key, ttlMs],
      );
      const inserted = await tx.query(
        `INSERT INTO idempotency_keys (user_id, key, fingerprint, owner, lease_until)
           VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')
         ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
        [userId, key, fingerprint, owner, leaseMs],
      );
      if (inserted.rows.length > 0) return { status: "claimed", lease: { userId, key, owner } };
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

  async renew(leases: readonly IdempotencyLease[], leaseMs: number): Promise<void> {
    if (leases.length === 0) return;
    await this.db.query(
      `UPDATE idempotency_keys SET lease_until = now() + $2 * interval '1 millisecond'
        WHERE completed_at IS NULL AND owner = ANY($1::uuid[])`,
      [leases.map((lease) => lease.owner), leaseMs],
    );
  }

  async release(lease: IdempotencyLease): Promise<void> {
    await this.db.query(
      "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND owner = $3 AND completed_at IS NULL",
      [lease.userId, lease.key, lease.owner],
    );
  }

  /** Records a request's result in the transaction that stores its prompt; throws when the lease was lost. */
  static async complete(
    tx: SqlExecutor,
    lease: IdempotencyLease,
    responseStatus: number,
    prompt: StoredPrompt,
  ): Promise<void> {
    const { rows } = await tx.query(
      `UPDATE idempotency_keys SET completed_at = now(), response_status = $4, prompt_id = $5
        WHERE user_id = $1 AND key = $2 AND owner = $3 AND completed_at IS NULL RETURNING key`,
      [lease.userId, lease.key, lease.owner, responseStatus, prompt.id],
    );
    if (rows.length === 0) throw new IdempotencyLeaseLostError();
  }
}
