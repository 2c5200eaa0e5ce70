import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { DEFAULT_USAGE_DAYS, UsageQuery, UsageReport } from "@prompt-service/protocol/schemas";
import { userIdOf } from "../auth/authenticate.js";
import { authenticatedErrors } from "../http/schemas.js";
import { slashVariants } from "../http/slash-variants.js";
import type { ServiceContext } from "../service-context.js";
import { toUsageReport } from "./schemas.js";

/** `GET /api/usage`: the caller's prompts and tokens per UTC day, and where they stand against the budget. */
export const usageRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { storage, authenticate, budget } = context;
  const schema = {
    operationId: "getUsage",
    tags: ["usage"],
    security: [{ bearerAuth: [] }],
    summary: "The caller's prompts and token usage per UTC day, and the token budget",
    querystring: UsageQuery,
    response: { 200: UsageReport, ...authenticatedErrors },
  };
  for (const route of slashVariants("/api/usage", schema)) {
    app.get(route.url, { schema: route.schema, onRequest: authenticate }, async (request) => {
      const userId = userIdOf(request);
      const [days, status] = await Promise.all([
        storage.usage.daysOf(userId, request.query.days ?? DEFAULT_USAGE_DAYS),
        budget.statusOf(userId),
      ]);
      return toUsageReport(days, status);
    });
  }
};
