import type { UsageReport } from "@prompt-service/protocol/schemas";
import type { Static } from "typebox";
import type { UsageDay } from "../storage/index.js";
import type { BudgetStatus } from "./token-budget.js";

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
