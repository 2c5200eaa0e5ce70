import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ServiceContext } from "../service-context.js";
import { chatCompletionRoutes } from "./chat-completions.js";
import { embeddingRoutes } from "./embeddings.js";
import { openAiErrorHandler, openAiNotFoundHandler } from "./errors.js";
import { modelRoutes } from "./models.js";

/**
 * The OpenAI-compatible API under `/v1`: an OpenAI client pointed at `<server>/v1`, with an API key or an access
 * token as its key, works unchanged. Encapsulated, with an error handler and a not-found handler of its own: every
 * error under `/v1`, a wrong path included, has OpenAI's shape and status, so its clients raise their typed errors.
 */
export const openaiCompatRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  await app.register(
    async (v1) => {
      v1.setErrorHandler(openAiErrorHandler);
      v1.setNotFoundHandler(openAiNotFoundHandler);
      await v1.register(chatCompletionRoutes, context);
      await v1.register(modelRoutes, context);
      await v1.register(embeddingRoutes, context);
    },
    { prefix: "/v1" },
  );
};
