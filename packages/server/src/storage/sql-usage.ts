import type { UsageDay, UsageRepository } from "./port.js";
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

  /**
   * The clause that counts the prompts a statement stores (the rows of `source`, a CTE with the prompts' columns) in
   * their users' days: a part of that very statement, so that the prompt and its count are written together or not
   * at all, in one round trip.
   */
  static countStored(source: string): string {
    return `INSERT INTO usage_days AS u (user_id, day, prompts, model_calls, reused, prompt_tokens, completion_tokens)
         SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, 1, (reused_from IS NULL)::int,
                (reused_from IS NOT NULL)::int, prompt_tokens, completion_tokens
           FROM ${source}
       ON CONFLICT (user_id, day) DO UPDATE SET
         prompts = u.prompts + EXCLUDED.prompts,
         model_calls = u.model_calls + EXCLUDED.model_calls,
         reused = u.reused + EXCLUDED.reused,
         prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens,
         completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens`;
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
