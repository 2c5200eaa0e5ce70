import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { userIdOf } from "../auth/authenticate.js";
import { validationError } from "../errors.js";
import { authenticatedErrors, ErrorBody } from "../http/schemas.js";
import { slashVariants } from "../http/slash-variants.js";
import { toPromptBody } from "../prompts/schemas.js";
import { throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import { DEFAULT_K, SimilarQuery, SimilarResponse } from "./schemas.js";

export const similarityRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { similarity, authenticate, limiters } = context;
  // Each search runs the embedding model: counted per user, right after authentication.
  const throttleSearches = throttle([
    { limiter: limiters.search, keyOf: (request) => String(userIdOf(request)) },
  ]);
  const schema = {
    tags: ["prompts"],
    operationId: "searchSimilarPrompts",
    security: [{ bearerAuth: [] }],
    summary: "The caller's earlier prompts that mean the same as a text, best first, with scores",
    querystring: SimilarQuery,
    // 502 and 504: an embeddings provider (EMBEDDINGS=openai:…) failed or did not answer in time.
    response: {
      200: SimilarResponse,
      ...authenticatedErrors,
      429: ErrorBody,
      502: ErrorBody,
      503: ErrorBody,
      504: ErrorBody,
    },
  };
  for (const route of slashVariants("/api/prompts/similar", schema)) {
    app.get(
      route.url,
      { schema: route.schema, onRequest: authenticate, config: { rateLimit: throttleSearches } },
      async (request) => {
        const { q, k = DEFAULT_K, min_score: minScore } = request.query;
        const query = q.trim();
        if (query.length === 0) throw validationError({ q: ["This field may not be blank."] });
        const results = await similarity.search(userIdOf(request), query, k, minScore);
        return {
          query: q,
          results: results.map((result) => ({ ...toPromptBody(result), score: result.score })),
        };
      },
    );
  }
};
