import type { StoredPrompt, UsageDay, UsageRepository } from "./port.js";
import type { SqlExecutor } from "./sql.js";

interface UsageDayRow {
  date: string;
  prompts: number;
  model_calls: number;
  reused: number;
  prompt_tokens: string | number;
  completion_tokens: string | number;
}

/** A user's activity per UTC day (usage_days), kept in step with the prompts they store. */
export class SqlUsage implements UsageRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** Counts a stored prompt in its user's day, inside the transaction that stored it. */
  static async count(tx: SqlExecutor, prompt: StoredPrompt): Promise<void> {
    const reused = prompt.reusedFrom === null ? 0 : 1;
    await tx.query(
      `INSERT INTO usage_days AS u (user_id, day, prompts, model_calls, reused, prompt_tokens, completion_tokens)
         VALUES ($1, ($2::timestamptz AT TIME ZONE 'UTC')::date, 1, $3, $4, $5, $6)
       ON CONFLICT (user_id, day) DO UPDATE SET
         prompts = u.prompts + 1,
         model_calls = u.model_calls + EXCLUDED.model_calls,
         reused = u.reused + EXCLUDED.reused,
         prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens,
         completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens`,
      [prompt.userId, prompt.createdAt, 1 - reused, reused, prompt.promptTokens, prompt.completionTokens],
    );
  }

  async daysOf(userId: number, days: number): Promise<UsageDay[]> {
    const { rows } = await this.db.query<UsageDayRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS date, prompts, model_calls, reused, prompt_tokens, completion_tokens
         FROM usage_days WHERE user_id = $1 AND day > (now() AT TIME ZONE 'UTC')::date - $2::int
        ORDER BY day DESC`,
      [userId, days],
    );
    // node-postgres returns bigint columns as strings; a user's daily tokens stay far below 2^53.
    return rows.map((row) => ({
      date: row.date,
      prompts: row.prompts,
      modelCalls: row.model_calls,
      reused: row.reused,
      promptTokens: Number(row.prompt_tokens),
      completionTokens: Number(row.completion_tokens),
    }));
  }

  async spentThis(userId: number, period: "day" | "month"): Promise<{ tokens: number; now: Date }> {
    const { rows } = await this.db.query<{ tokens: string | number; now: Date }>(
      `SELECT COALESCE(sum(prompt_tokens + completion_tokens), 0) AS tokens, now() AS now
         FROM usage_days WHERE user_id = $1 AND day >= date_trunc($2, now() AT TIME ZONE 'UTC')::date`,
      [userId, period],
    );
    const row = rows[0] as { tokens: string | number; now: Date };
    return { tokens: Number(row.tokens), now: row.now };
  }
}
