import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { DEFAULT_K, ErrorBody, SimilarQuery, SimilarResponse } from "@prompt-service/protocol/schemas";
import { userIdOf } from "../auth/authenticate.js";
import { validationError } from "../http/api-error.js";
import { authenticatedErrors, providerErrors } from "../http/schemas.js";
import { slashVariants } from "../http/slash-variants.js";
import { throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import { toPromptBody } from "./schemas.js";

/** A search waits on the embedding model: its queue may be full (503), its provider may fail (502, 504). */
const SEARCH_ERRORS = { ...authenticatedErrors, ...providerErrors, 429: ErrorBody, 503: ErrorBody };

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
    response: { 200: SimilarResponse, ...SEARCH_ERRORS },
  };
  for (const route of slashVariants("/api/prompts/similar", schema)) {
    app.get(
      route.url,
      { schema: route.schema, onRequest: authenticate, config: throttleSearches },
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
