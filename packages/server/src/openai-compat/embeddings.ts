import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { userIdOf } from "../auth/authenticate.js";
import { slashVariants } from "../http/slash-variants.js";
import { countTokens } from "../llm/token-count.js";
import { throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import { invalidParam, modelNotFound } from "./errors.js";
import { EmbeddingList, EmbeddingRequest, openAiErrors } from "./schemas.js";

/** A vector as OpenAI's `encoding_format: "base64"` sends it (the official clients ask for it by default). */
function base64Of(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
}

/**
 * POST /v1/embeddings with the server's embedding model, so that retrieval code can use the service for both. It
 * is a search's work for the model: throttled with searches, and queued with them per user, fairly and within
 * EMBEDDING_QUEUE_LIMIT (past it, 503 with Retry-After). Usage is counted with the tokenizer, as an estimate.
 */
export const embeddingRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { similarity, limiters, config, authenticate } = context;
  const model = similarity.embeddingModel;
  // More texts than one user may queue would be refused whatever the load: that is the request's fault, a 400.
  const maxInputs = config.embeddingQueueLimit.perOwner;
  const schema = {
    operationId: "createEmbeddings",
    tags: ["openai"],
    security: [{ bearerAuth: [] }],
    summary: "Embed texts with the server's embedding model",
    body: EmbeddingRequest,
    response: { 200: EmbeddingList, ...openAiErrors(400, 401, 404, 429, 502, 503, 504) },
  };
  const throttleSearches = throttle([
    { limiter: limiters.search, keyOf: (request) => String(userIdOf(request)) },
  ]);
  for (const route of slashVariants("/embeddings", schema)) {
    app.post(
      route.url,
      { schema: route.schema, onRequest: authenticate, config: throttleSearches },
      async (request) => {
        const { body } = request;
        if (body.model !== model.id) throw modelNotFound(body.model);
        if (body.dimensions != null && body.dimensions !== model.dimensions) {
          throw invalidParam(
            "dimensions",
            `Invalid value for 'dimensions': ${model.id} has ${model.dimensions}.`,
          );
        }
        const texts = typeof body.input === "string" ? [body.input] : body.input;
        if (texts.length > maxInputs) {
          throw invalidParam("input", `Invalid value for 'input': at most ${maxInputs} texts per request.`);
        }
        const [vectors, tokens] = await Promise.all([
          similarity.embed(userIdOf(request), texts),
          countTokens(texts),
        ]);
        const base64 = body.encoding_format === "base64";
        return {
          object: "list" as const,
          data: vectors.map((vector, index) => ({
            object: "embedding" as const,
            index,
            embedding: base64 ? base64Of(vector) : Array.from(vector),
          })),
          model: model.id,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        };
      },
    );
  }
};
