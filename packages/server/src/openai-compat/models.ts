import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Static } from "typebox";
import { slashVariants } from "../http/slash-variants.js";
import type { ServiceContext } from "../service-context.js";
import { modelNotFound } from "./errors.js";
import { Model, ModelList, ModelParams, openAiErrors } from "./schemas.js";

const OWNER = "prompt-service";

/**
 * GET /v1/models and /v1/models/:model: the two models this server answers with, the chat model (the mock's own
 * name without a key) and the embedding model, in OpenAI's list shape. `created` is when this server started.
 */
export const modelRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const { llm, similarity, authenticate } = context;
  const created = Math.floor(Date.now() / 1000);
  const models: Static<typeof Model>[] = [llm.model, similarity.embeddingModel.id].map((id) => ({
    id,
    object: "model",
    created,
    owned_by: OWNER,
  }));
  const tags = ["openai"];
  const security = [{ bearerAuth: [] }];

  const listSchema = {
    operationId: "listModels",
    tags,
    security,
    summary: "The chat and embedding models this server answers with",
    response: { 200: ModelList, ...openAiErrors(401) },
  };
  for (const route of slashVariants("/models", listSchema)) {
    app.get(route.url, { schema: route.schema, onRequest: authenticate }, async () => ({
      object: "list" as const,
      data: models,
    }));
  }

  const getSchema = {
    operationId: "retrieveModel",
    tags,
    security,
    summary: "One of the models this server answers with",
    params: ModelParams,
    response: { 200: Model, ...openAiErrors(401, 404) },
  };
  for (const route of slashVariants("/models/:model", getSchema)) {
    app.get(route.url, { schema: route.schema, onRequest: authenticate }, async (request) => {
      const model = models.find(({ id }) => id === request.params.model);
      if (!model) throw modelNotFound(request.params.model);
      return model;
    });
  }
};
