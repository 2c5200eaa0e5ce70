import { Type } from "typebox";

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
