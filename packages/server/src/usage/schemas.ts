import { type Static, Type } from "typebox";
import type { UsageDay } from "../storage/index.js";
import type { BudgetStatus } from "./token-budget.js";

/** Days a usage report covers when `days` is not given, and at most. */
export const DEFAULT_USAGE_DAYS = 30;
const MAX_USAGE_DAYS = 366;

export const UsageQuery = Type.Object({
  days: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_USAGE_DAYS,
      default: DEFAULT_USAGE_DAYS,
      description: "How many UTC days back, today included.",
    }),
  ),
});

const UsageCounts = {
  prompts: Type.Integer({ description: "Prompts stored." }),
  model_calls: Type.Integer({ description: "Prompts the model answered." }),
  reused: Type.Integer({ description: "Prompts answered with an earlier answer: calls saved." }),
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
};

export const UsageReport = Type.Object({
  days: Type.Array(
    Type.Object({ date: Type.String({ format: "date", description: "UTC day." }), ...UsageCounts }),
    { description: "Days with activity, newest first." },
  ),
  total: Type.Object(UsageCounts, { description: "The sum of `days`." }),
  budget: Type.Union(
    [
      Type.Object({
        limit: Type.Integer({ description: "Tokens per window (USER_TOKEN_BUDGET)." }),
        used: Type.Integer({ description: "Tokens spent in the current window." }),
        resets_at: Type.String({ format: "date-time", description: "Start of the next UTC day or month." }),
      }),
      Type.Null(),
    ],
    { description: "Null when the server sets no budget." },
  ),
});

type UsageReportBody = Static<typeof UsageReport>;

export function toUsageReport(days: UsageDay[], budget: BudgetStatus | null): UsageReportBody {
  const counts = days.map((day) => ({
    prompts: day.prompts,
    model_calls: day.modelCalls,
    reused: day.reused,
    prompt_tokens: day.promptTokens,
    completion_tokens: day.completionTokens,
  }));
  const total = { prompts: 0, model_calls: 0, reused: 0, prompt_tokens: 0, completion_tokens: 0 };
  for (const day of counts)
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += day[key];
  return {
    days: days.map((day, index) => ({ date: day.date, ...(counts[index] as (typeof counts)[number]) })),
    total,
    budget: budget && {
      limit: budget.limit,
      used: budget.used,
      resets_at: budget.resetsAt.toISOString(),
    },
  };
}
