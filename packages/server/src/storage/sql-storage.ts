import type {
  ApiKeyRepository,
  ChatMessage,
  HousekeepingRepository,
  IdempotencyRepository,
  ImportedPrompt,
  IndexablePrompt,
  IndexedPromptRow,
  MarkedIds,
  NewPrompt,
  PromptCursor,
  PromptEmbedding,
  PromptEmbeddingRepository,
  PromptRepository,
  RefreshTokenId,
  RefreshTokenRepository,
  RotationOutcome,
  Storage,
  StoredPrompt,
  UsageRepository,
  User,
  UserRepository,
} from "./port.js";
import { UniqueViolationError } from "./port.js";
import { markedSince, type SqlDatabase, type SqlExecutor, toId, UNIQUE_VIOLATION } from "./sql.js";
import { SqlApiKeys } from "./sql-api-keys.js";
import { SqlHousekeeping } from "./sql-housekeeping.js";
import { SequenceBlocks } from "./sql-id-blocks.js";
import { SqlIdempotencyKeys } from "./sql-idempotency.js";
import { SqlUsage } from "./sql-usage.js";
import { bytesToVector, vectorToBytes } from "./vector-bytes.js";

interface UserRow {
  id: string | number | bigint;
  username: string;
  email: string;
  password_hash: string;
  created_at: Date;
}

interface PromptRow {
  id: string | number | bigint;
  user_id: string | number | bigint;
  prompt: string;
  response: string;
  model: string;
  created_at: Date;
  reused_from: string | number | bigint | null;
  messages: ChatMessage[] | null;
  prompt_tokens: number;
  completion_tokens: number;
  tokens_estimated: boolean;
}

interface RefreshTokenRow {
  user_id: string | number | bigint;
  family_id: string;
  used_at: Date | null;
  revoked_at: Date | null;
  successor_jti: string | null;
  within_grace: boolean;
  expired: boolean;
}

const PROMPT_COLUMNS =
  "id, user_id, prompt, response, model, created_at, reused_from, messages, prompt_tokens, completion_tokens, tokens_estimated";

const toUser = (row: UserRow): User => ({
  id: toId(row.id),
  username: row.username,
  email: row.email,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

const toPrompt = (row: PromptRow): StoredPrompt => ({
  id: toId(row.id),
  userId: toId(row.user_id),
  prompt: row.prompt,
  response: row.response,
  model: row.model,
  createdAt: row.created_at,
  reusedFrom: row.reused_from === null ? null : toId(row.reused_from),
  messages: row.messages,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  tokensEstimated: row.tokens_estimated,
});

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION
  );
}

class SqlUsers implements UserRepository {
  constructor(private readonly db: SqlExecutor) {}

  async create(user: { username: string; email: string; passwordHash: string }): Promise<User> {
    try {
      const { rows } = await this.db.query<UserRow>(
        "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) RETURNING *",
        [user.username, user.email, user.passwordHash],
      );
      return toUser(rows[0] as UserRow);
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolationError("username");
      throw error;
    }
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>("SELECT * FROM users WHERE username = $1", [username]);
    return rows[0] && toUser(rows[0]);
  }

  async usernameTaken(username: string): Promise<boolean> {
    const { rows } = await this.db.query("SELECT 1 FROM users WHERE lower(username) = lower($1)", [username]);
    return rows.length > 0;
  }

  async findById(id: number): Promise<User | undefined> {
    const { rows } = await this.db.query<UserRow>("SELECT * FROM users WHERE id = $1", [id]);
    return rows[0] && toUser(rows[0]);
  }

  async delete(id: number): Promise<boolean> {
    // One statement: the user goes (cascading to all they own) and the tombstone appears together, or neither.
    const { rows } = await this.db.query(
      `WITH gone AS (DELETE FROM users WHERE id = $1 RETURNING id)
       INSERT INTO account_deletions (user_id) SELECT id FROM gone RETURNING user_id`,
      [id],
    );
    return rows.length > 0;
  }

  deletedSince(since: Date): Promise<MarkedIds> {
    return markedSince(this.db, { table: "account_deletions", id: "user_id", marked: "deleted_at" }, since);
  }
}

class SqlRefreshTokens implements RefreshTokenRepository {
  constructor(private readonly db: SqlDatabase) {}

  async issue(token: { jti: string; userId: number; familyId: string; expiresAt: Date }): Promise<void> {
    await this.db.query(
      "INSERT INTO refresh_tokens (jti, user_id, family_id, expires_at) VALUES ($1, $2, $3, $4)",
      [token.jti, token.userId, token.familyId, token.expiresAt],
    );
  }

  rotate(jti: string, candidate: RefreshTokenId, reuseGraceMs: number): Promise<RotationOutcome> {
    return this.db.transaction(async (tx) => {
      // FOR UPDATE makes concurrent refreshes with the same token queue up: the first rotates it, and those within
      // the grace window then read the successor it recorded. Times are compared by the database's clock, which
      // every instance shares, whatever their own clocks say. The grace is measured to this statement's own time
      // (clock_timestamp), not to its transaction's start (now()): a refresh that began before the first and waited
      // for its lock would otherwise find the token used a negative time ago, within any grace, even none.
      const { rows } = await tx.query<RefreshTokenRow>(
        `SELECT user_id, family_id, used_at, revoked_at, successor_jti,
            used_at IS NOT NULL AND clock_timestamp() - used_at < make_interval(secs => $2::double precision / 1000)
              AS within_grace,
            expires_at <= now() AS expired
          FROM refresh_tokens WHERE jti = $1 FOR UPDATE`,
        [jti, reuseGraceMs],
      );
      const current = rows[0];
      if (!current) return { status: "unknown" };
      if (current.revoked_at) return { status: "revoked" };
      const userId = toId(current.user_id);
      if (current.within_grace && current.successor_jti) {
        // A statement of its own: in PostgreSQL's read committed mode, one that waited for the lock above still
        // reads other rows as they were when it started, before the first refresh inserted the successor.
        const successor = await tx.query<{ expires_at: Date }>(
          "SELECT expires_at FROM refresh_tokens WHERE jti = $1",
          [current.successor_jti],
        );
        const expiresAt = successor.rows[0]?.expires_at;
        if (expiresAt) {
          return {
            status: "rotated",
            userId,
            familyId: current.family_id,
            successor: { jti: current.successor_jti, expiresAt },
          };
        }
      }
      if (current.used_at) {
        await tx.query(
          "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
          [current.family_id],
        );
        return { status: "reused", userId };
      }
      if (current.expired) return { status: "expired" };
      await tx.query("UPDATE refresh_tokens SET used_at = now(), successor_jti = $2 WHERE jti = $1", [
        jti,
        candidate.jti,
      ]);
      await tx.query(
        "INSERT INTO refresh_tokens (jti, user_id, family_id, expires_at) VALUES ($1, $2, $3, $4)",
        [candidate.jti, current.user_id, current.family_id, candidate.expiresAt],
      );
      return { status: "rotated", userId, familyId: current.family_id, successor: candidate };
    });
  }

  async revokeFamilyOf(jti: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ family_id: string }>(
      `UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, now())
        WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE jti = $1)
        RETURNING family_id`,
      [jti],
    );
    return rows[0]?.family_id;
  }

  async revokedSince(since: Date): Promise<Array<{ familyId: string; revokedAt: Date }>> {
    const { rows } = await this.db.query<{ family_id: string; revoked_at: Date }>(
      `SELECT family_id, max(revoked_at) AS revoked_at FROM refresh_tokens
        WHERE revoked_at >= $1 GROUP BY family_id`,
      [since],
    );
    return rows.map((row) => ({ familyId: row.family_id, revokedAt: row.revoked_at }));
  }

  async deleteExpired(): Promise<number> {
    const { rows } = await this.db.query<{ jti: string }>(
      "DELETE FROM refresh_tokens WHERE expires_at < now() RETURNING jti",
    );
    return rows.length;
  }
}

/** Ids reserved per round trip: about a tenth of a second of calls at 500 a second. */
const RESERVED_ID_BLOCK = 64;

class SqlPrompts implements PromptRepository {
  readonly #reservedIds: SequenceBlocks;

  constructor(private readonly db: SqlDatabase) {
    this.#reservedIds = new SequenceBlocks(async (count) => {
      const { rows } = await db.query<{ id: string | number }>(
        "SELECT nextval(pg_get_serial_sequence('prompts', 'id')) AS id FROM generate_series(1, $1)",
        [count],
      );
      return rows.map((row) => toId(row.id));
    }, RESERVED_ID_BLOCK);
  }

  reserveId(): Promise<number> {
    return this.#reservedIds.next();
  }

  insert(prompt: NewPrompt): Promise<StoredPrompt> {
    const { idempotency } = prompt;
    // One statement, atomic without BEGIN … COMMIT: a transaction of four round trips held a pooled connection
    // through each of them, which is what queued calls at 500 a second (BENCHMARKS.md, gateway).
    if (!idempotency) return SqlPrompts.#insertCounted(this.db, prompt);
    return this.db.transaction(async (tx) => {
      const stored = await SqlPrompts.#insertCounted(tx, prompt);
      await SqlIdempotencyKeys.complete(tx, idempotency.lease, idempotency.responseStatus, stored);
      return stored;
    });
  }

  /** Stores the prompt and counts it in its user's day (usage_days), in one statement. */
  static async #insertCounted(db: SqlExecutor, prompt: NewPrompt): Promise<StoredPrompt> {
    const usage = prompt.usage ?? { promptTokens: 0, completionTokens: 0, estimated: false };
    // An explicit id is one taken with reserveId; OVERRIDING SYSTEM VALUE lets it into the identity column.
    const { rows } = await db.query<PromptRow>(
      `WITH stored AS (
         INSERT INTO prompts
             (id, user_id, prompt, response, model, embedding, embedding_model, embedded_at, reused_from,
              messages, prompt_tokens, completion_tokens, tokens_estimated, created_at)
           OVERRIDING SYSTEM VALUE
           VALUES (COALESCE($1, nextval(pg_get_serial_sequence('prompts', 'id'))), $2, $3, $4, $5, $6, $7,
             CASE WHEN $6::bytea IS NULL THEN NULL ELSE now() END, $8, $9::jsonb, $10, $11, $12,
             COALESCE($13::timestamptz, now()))
           RETURNING ${PROMPT_COLUMNS}
       ), counted AS (${SqlUsage.countStored("stored")})
       SELECT ${PROMPT_COLUMNS} FROM stored`,
      [
        prompt.id ?? null,
        prompt.userId,
        prompt.prompt,
        prompt.response,
        prompt.model,
        prompt.embedding ? vectorToBytes(prompt.embedding.vector) : null,
        prompt.embedding?.model ?? null,
        prompt.reusedFrom ?? null,
        prompt.messages ? JSON.stringify(prompt.messages) : null,
        usage.promptTokens,
        usage.completionTokens,
        usage.estimated,
        prompt.createdAt ?? null,
      ],
    );
    return toPrompt(rows[0] as PromptRow);
  }

  async get(userId: number, id: number): Promise<StoredPrompt | undefined> {
    const { rows } = await this.db.query<PromptRow>(
      `SELECT ${PROMPT_COLUMNS} FROM prompts WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return rows[0] && toPrompt(rows[0]);
  }

  async getMany(userId: number, ids: readonly number[]): Promise<StoredPrompt[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<PromptRow>(
      `SELECT ${PROMPT_COLUMNS} FROM prompts WHERE id = ANY($1::bigint[]) AND user_id = $2`,
      [ids, userId],
    );
    return rows.map(toPrompt);
  }

  async list(userId: number, page: { limit: number; after?: PromptCursor }): Promise<StoredPrompt[]> {
    const { rows } = page.after
      ? await this.db.query<PromptRow>(
          `SELECT ${PROMPT_COLUMNS} FROM prompts
            WHERE user_id = $1 AND (created_at, id) < ($2, $3)
            ORDER BY created_at DESC, id DESC LIMIT $4`,
          [userId, page.after.createdAt, page.after.id, page.limit],
        )
      : await this.db.query<PromptRow>(
          `SELECT ${PROMPT_COLUMNS} FROM prompts WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
          [userId, page.limit],
        );
    return rows.map(toPrompt);
  }

  async listOldestFirst(
    userId: number,
    page: { limit: number; after?: PromptCursor },
  ): Promise<StoredPrompt[]> {
    const { rows } = await this.db.query<PromptRow>(
      `SELECT ${PROMPT_COLUMNS} FROM prompts
        WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3))
        ORDER BY created_at, id LIMIT $4`,
      [userId, page.after?.createdAt ?? null, page.after?.id ?? 0, page.limit],
    );
    return rows.map(toPrompt);
  }

  async delete(userId: number, id: number): Promise<boolean> {
    const { rows } = await this.db.query(
      `WITH gone AS (DELETE FROM prompts WHERE id = $1 AND user_id = $2 RETURNING id, user_id)
       INSERT INTO prompt_deletions (prompt_id, user_id) SELECT id, user_id FROM gone RETURNING prompt_id`,
      [id, userId],
    );
    return rows.length > 0;
  }

  async deleteCreatedBefore(before: Date, limit: number): Promise<Array<{ id: number; userId: number }>> {
    // A bounded batch per statement, so that no sweep holds many row locks for long.
    const { rows } = await this.db.query<{ id: string | number; user_id: string | number }>(
      // SKIP LOCKED: instances sweeping at the same moment take different rows instead of waiting on each other.
      `WITH victims AS (SELECT id FROM prompts WHERE created_at < $1 ORDER BY created_at, id LIMIT $2
                          FOR UPDATE SKIP LOCKED),
            gone AS (DELETE FROM prompts p USING victims v WHERE p.id = v.id RETURNING p.id, p.user_id),
            tombstones AS (INSERT INTO prompt_deletions (prompt_id, user_id) SELECT id, user_id FROM gone)
       SELECT id, user_id FROM gone`,
      [before, limit],
    );
    return rows.map((row) => ({ id: toId(row.id), userId: toId(row.user_id) }));
  }

  importMany(
    userId: number,
    prompts: readonly ImportedPrompt[],
  ): Promise<{ imported: StoredPrompt[]; skipped: number }> {
    return this.db.transaction(async (tx) => {
      // Two imports of one file at once would each see the other's rows as absent: one user imports at a time.
      await tx.query("SELECT pg_advisory_xact_lock(('x' || md5('import:' || $1::text))::bit(64)::bigint)", [
        userId,
      ]);
      const imported: StoredPrompt[] = [];
      for (const prompt of prompts) {
        const { rows } = await tx.query<PromptRow>(
          `INSERT INTO prompts (user_id, prompt, response, model, created_at, messages,
               prompt_tokens, completion_tokens, tokens_estimated)
           SELECT $1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9
            WHERE NOT EXISTS (SELECT 1 FROM prompts WHERE user_id = $1 AND created_at = $5 AND prompt = $2)
           RETURNING ${PROMPT_COLUMNS}`,
          [
            userId,
            prompt.prompt,
            prompt.response,
            prompt.model,
            prompt.createdAt,
            prompt.messages ? JSON.stringify(prompt.messages) : null,
            prompt.usage.promptTokens,
            prompt.usage.completionTokens,
            prompt.usage.estimated,
          ],
        );
        if (rows[0]) imported.push(toPrompt(rows[0]));
      }
      return { imported, skipped: prompts.length - imported.length };
    });
  }
}

interface IndexableRow {
  id: string | number | bigint;
  user_id: string | number | bigint;
  prompt: string;
  embedding_model: string | null;
}

class SqlPromptEmbeddings implements PromptEmbeddingRepository {
  constructor(private readonly db: SqlExecutor) {}

  async ofUser(userId: number, model: string): Promise<IndexedPromptRow[]> {
    const { rows } = await this.db.query<{
      id: string | number;
      prompt: string;
      embedding: Uint8Array | null;
      embedding_model: string | null;
    }>("SELECT id, prompt, embedding, embedding_model FROM prompts WHERE user_id = $1", [userId]);
    return rows.map((row) => ({
      id: toId(row.id),
      prompt: row.prompt,
      vector: row.embedding && row.embedding_model === model ? bytesToVector(row.embedding) : undefined,
    }));
  }

  async withoutVector(model: string, afterId: number, limit: number): Promise<IndexablePrompt[]> {
    const { rows } = await this.db.query<IndexableRow>(
      `SELECT id, user_id, prompt, embedding_model FROM prompts
        WHERE id > $1 AND embedding_model IS DISTINCT FROM $2 ORDER BY id LIMIT $3`,
      [afterId, model, limit],
    );
    return rows.map((row) => ({
      id: toId(row.id),
      userId: toId(row.user_id),
      prompt: row.prompt,
      embeddingModel: row.embedding_model,
    }));
  }

  async changedSince(
    since: Date,
    userIds: readonly number[],
  ): Promise<Array<{ id: number; userId: number }>> {
    if (userIds.length === 0) return [];
    // A UNION rather than an OR, so that each side reads its own index.
    const { rows } = await this.db.query<{ id: string | number; user_id: string | number }>(
      `SELECT id, user_id FROM prompts WHERE created_at >= $1 AND user_id = ANY($2::bigint[])
       UNION SELECT id, user_id FROM prompts WHERE embedded_at >= $1 AND user_id = ANY($2::bigint[])`,
      [since, userIds],
    );
    return rows.map((row) => ({ id: toId(row.id), userId: toId(row.user_id) }));
  }

  async deletedSince(
    since: Date,
    userIds: readonly number[],
  ): Promise<Array<{ id: number; userId: number }>> {
    if (userIds.length === 0) return [];
    const { rows } = await this.db.query<{ prompt_id: string | number; user_id: string | number }>(
      "SELECT prompt_id, user_id FROM prompt_deletions WHERE deleted_at >= $1 AND user_id = ANY($2::bigint[])",
      [since, userIds],
    );
    return rows.map((row) => ({ id: toId(row.prompt_id), userId: toId(row.user_id) }));
  }

  async withEmbeddings(
    ids: readonly number[],
    model: string,
    userId?: number,
  ): Promise<Array<StoredPrompt & { vector: Float32Array | undefined }>> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<
      PromptRow & { embedding: Uint8Array | null; embedding_model: string | null }
    >(
      `SELECT ${PROMPT_COLUMNS}, embedding, embedding_model FROM prompts
        WHERE id = ANY($1::bigint[]) AND ($2::bigint IS NULL OR user_id = $2)`,
      [ids, userId ?? null],
    );
    return rows.map((row) => ({
      ...toPrompt(row),
      vector: row.embedding && row.embedding_model === model ? bytesToVector(row.embedding) : undefined,
    }));
  }

  async setEmbedding(id: number, embedding: PromptEmbedding): Promise<void> {
    await this.db.query(
      "UPDATE prompts SET embedding = $2, embedding_model = $3, embedded_at = now() WHERE id = $1",
      [id, vectorToBytes(embedding.vector), embedding.model],
    );
  }
}

/** The storage port over any SQL database that speaks PostgreSQL: node-postgres and PGlite alike. */
export class SqlStorage implements Storage {
  readonly users: UserRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly prompts: PromptRepository;
  readonly embeddings: PromptEmbeddingRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly usage: UsageRepository;
  readonly idempotency: IdempotencyRepository;
  readonly housekeeping: HousekeepingRepository;

  constructor(
    readonly kind: string,
    private readonly db: SqlDatabase,
  ) {
    this.users = new SqlUsers(db);
    this.refreshTokens = new SqlRefreshTokens(db);
    this.prompts = new SqlPrompts(db);
    this.embeddings = new SqlPromptEmbeddings(db);
    this.apiKeys = new SqlApiKeys(db);
    this.usage = new SqlUsage(db);
    this.idempotency = new SqlIdempotencyKeys(db);
    this.housekeeping = new SqlHousekeeping(db);
  }

  async now(): Promise<Date> {
    const { rows } = await this.db.query<{ now: Date }>("SELECT now() AS now");
    return (rows[0] as { now: Date }).now;
  }

  async ping(): Promise<void> {
    await this.db.query("SELECT 1");
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
