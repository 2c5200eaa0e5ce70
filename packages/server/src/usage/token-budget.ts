import { TokenBudgetExceededError } from "../errors.js";
import type { TokenBudgetRule } from "../settings/kinds.js";
import type { Storage } from "../storage/index.js";

/** Where a user stands against the budget: what the usage route shows and the 429 tells. */
export interface BudgetStatus {
  limit: number;
  used: number;
  /** The start of the next UTC day or month. */
  resetsAt: Date;
}

/** The first instant of the UTC day or calendar month after `now`. */
function nextWindowStart(now: Date, period: TokenBudgetRule["period"]): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return period === "day"
    ? new Date(Date.UTC(year, month, now.getUTCDate() + 1))
    : new Date(Date.UTC(year, month + 1, 1));
}

/**
 * USER_TOKEN_BUDGET: the tokens a user may spend per UTC day or month. This limits spend, where the throttle limits
 * requests. The count is PostgreSQL's (usage_days, written with each prompt), so every instance sees the same
 * figure and a restart forgets nothing. A request is admitted while the user is under the limit; the answer in
 * flight when the limit is reached may overshoot it, and the next request is refused until the window resets.
 */
export class TokenBudget {
  constructor(
    private readonly storage: Storage,
    private readonly rule: TokenBudgetRule | undefined,
  ) {}

  get limited(): boolean {
    return this.rule !== undefined;
  }

  /** Null without a budget. */
  async statusOf(userId: number): Promise<BudgetStatus | null> {
    if (!this.rule) return null;
    const { tokens, now } = await this.storage.usage.spentThis(userId, this.rule.period);
    return { limit: this.rule.limit, used: tokens, resetsAt: nextWindowStart(now, this.rule.period) };
  }

  /** Throws TokenBudgetExceededError, until the window resets, when the user is at or over the budget. */
  async assertWithin(userId: number): Promise<void> {
    const status = await this.statusOf(userId);
    if (!this.rule || !status || status.used < status.limit) return;
    const { used, limit, resetsAt } = status;
    const retryAfter = Math.max(1, Math.ceil((resetsAt.getTime() - Date.now()) / 1000));
    throw new TokenBudgetExceededError(used, limit, this.rule.period, resetsAt, retryAfter);
  }
}
