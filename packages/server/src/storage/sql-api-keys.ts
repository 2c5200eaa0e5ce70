import type { ApiKeyRecord, ApiKeyRepository, MarkedIds } from "./port.js";
import { markedSince, type SqlExecutor, toId } from "./sql.js";

interface ApiKeyRow {
  id: string | number;
  user_id: string | number;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = "id, user_id, name, prefix, created_at, expires_at, last_used_at";

const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({
  id: toId(row.id),
  userId: toId(row.user_id),
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  lastUsedAt: row.last_used_at,
});

/** Personal API keys, found by the hash of the key and never by the key itself. */
export class SqlApiKeys implements ApiKeyRepository {
  constructor(private readonly db: SqlExecutor) {}

  async create(key: {
    userId: number;
    name: string;
    prefix: string;
    hash: Buffer;
    expiresAt: Date | null;
  }): Promise<ApiKeyRecord> {
    const { rows } = await this.db.query<ApiKeyRow>(
      `INSERT INTO api_keys (user_id, name, prefix, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [key.userId, key.name, key.prefix, key.hash, key.expiresAt],
    );
    return toRecord(rows[0] as ApiKeyRow);
  }

  async listOf(userId: number): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL
        ORDER BY created_at DESC, id DESC`,
      [userId],
    );
    return rows.map(toRecord);
  }

  async findLive(hash: Buffer): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.db.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys
        WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hash],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async revoke(userId: number, id: number): Promise<boolean> {
    const { rows } = await this.db.query<{ id: string | number }>(
      "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id",
      [id, userId],
    );
    return rows.length > 0;
  }

  revokedSince(since: Date): Promise<MarkedIds> {
    return markedSince(this.db, { table: "api_keys", id: "id", marked: "revoked_at" }, since);
  }

  async touch(id: number): Promise<void> {
    await this.db.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1", [id]);
  }
}
