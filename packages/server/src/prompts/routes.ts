import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  CreatePromptBody,
  DEFAULT_PAGE_SIZE,
  ErrorBody,
  ListPromptsQuery,
  PromptBody,
  PromptEventStreamBody,
  PromptPage,
} from "@prompt-service/protocol/schemas";
import { userIdOf } from "../auth/authenticate.js";
import { ApiError, validationError } from "../http/api-error.js";
import { authenticatedErrors, providerErrors } from "../http/schemas.js";
import { slashVariants } from "../http/slash-variants.js";
import { throttle } from "../ratelimit/throttle.js";
import { userGroup } from "../realtime/hub/index.js";
import type { ServiceContext } from "../service-context.js";
import type { StoredPrompt } from "../storage/index.js";
import { answerPrompt } from "./answer-prompt.js";
import { ClientGoneError, clientGoneSignal } from "./client-gone.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { PromptEventStream } from "./event-stream-reply.js";
import { deletedEvent, type PromptEvent, replayEvents } from "./events.js";
import { PromptIdParams, toPromptBody } from "./schemas.js";

const tags = ["prompts"];
const security = [{ bearerAuth: [] }];

export const promptRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const {
    storage,
    llm,
    hub,
    similarity,
    authenticate,
    config,
    limiters,
    metrics,
    budget,
    reuse,
    idempotency,
  } = context;
  const throttlePrompts = throttle([
    { limiter: limiters.prompts, keyOf: (request) => String(userIdOf(request)) },
  ]);

  const createSchema = {
    operationId: "createPrompt",
    tags,
    security,
    summary: "Answer a prompt with the language model and store both",
    body: CreatePromptBody,
    response: {
      200: {
        description: "With `stream: true`: the answer as server-sent events.",
        content: { "text/event-stream": { schema: PromptEventStreamBody } },
      },
      201: PromptBody,
      ...authenticatedErrors,
      429: ErrorBody,
      ...providerErrors,
    },
  };
  for (const route of slashVariants("/api/prompts", createSchema)) {
    // Throttled right after authentication and before the body is read, as the original service did.
    app.post(
      route.url,
      { schema: route.schema, onRequest: authenticate, config: throttlePrompts },
      async (request, reply) => {
        const clientGone = clientGoneSignal(request, reply);
        const userId = userIdOf(request);
        const text = request.body.prompt.trim();
        if (text.length === 0) throw validationError({ prompt: ["This field may not be blank."] });
        // Counted in code points, as users (and Python) count characters; only long texts pay for the count.
        if (text.length > config.promptMaxLength && [...text].length > config.promptMaxLength) {
          throw validationError({
            prompt: [`Ensure this field has no more than ${config.promptMaxLength} characters.`],
          });
        }
        const idempotent = await idempotency.begin(request, userId, "createPrompt", "prompt");
        if (idempotent?.kind === "replay") {
          const earlier = idempotent.prompt;
          reply.header("idempotent-replayed", "true");
          if (request.body.stream !== true)
            return reply.code(idempotent.responseStatus).send(toPromptBody(earlier));
          const replay = new PromptEventStream(reply);
          for (const event of replayEvents(earlier)) replay.send(event);
          replay.end();
          return reply;
        }
        const stream = request.body.stream === true ? new PromptEventStream(reply) : undefined;
        let stored: StoredPrompt;
        try {
          // The budget limits spend, as the throttle above limits requests: checked before the model is called.
          await budget.assertWithin(userId);
          stored = await answerPrompt(
            { storage, llm, hub, similarity, metrics, reuse, log: request.log },
            {
              userId,
              text,
              notify: request.body.websocket === true,
              reuse: request.body.reuse !== false,
              ...(stream ? { onEvent: (event: PromptEvent) => stream.send(event) } : {}),
              signal: clientGone,
              ...(idempotent ? { idempotency: idempotent.storedAs(stream ? 200 : 201) } : {}),
            },
          );
        } catch (caught) {
          // A failed request is not remembered under its key: the client's retry runs it again.
          const error = idempotent ? await idempotent.failed(caught) : caught;
          // Once streaming (the model's first piece was sent), the failure went out as the last event, prompt.error;
          // before, it answers as usual: a 502 or 504 in JSON.
          if (error instanceof ClientGoneError) {
            request.log.info({ userId }, "client gone before its prompt was answered: not stored");
            return reply;
          }
          if (!stream?.started) throw error;
          request.log.warn({ err: error, userId }, "streamed prompt failed");
          return reply;
        } finally {
          stream?.end();
          idempotent?.end();
        }
        request.log.info(
          { event: "prompt_created", userId, promptId: stored.id, reusedFrom: stored.reusedFrom },
          "prompt created",
        );
        metrics.promptsCreated.inc();
        if (stream) return reply;
        return reply.code(201).send(toPromptBody(stored));
      },
    );
  }

  const listSchema = {
    operationId: "listPrompts",
    tags,
    security,
    summary: "The caller's prompts, newest first, one page at a time",
    querystring: ListPromptsQuery,
    response: { 200: PromptPage, ...authenticatedErrors },
  };
  for (const route of slashVariants("/api/prompts", listSchema)) {
    app.get(route.url, { schema: route.schema, onRequest: authenticate }, async (request) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor } = request.query;
      const page = await storage.prompts.list(userIdOf(request), {
        // One more than asked tells whether a next page exists without a count query.
        limit: limit + 1,
        ...(cursor ? { after: decodeCursor(cursor) } : {}),
      });
      const results = page.slice(0, limit);
      const last = results.at(-1);
      return {
        results: results.map(toPromptBody),
        next: page.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
      };
    });
  }

  const getSchema = {
    operationId: "getPrompt",
    tags,
    security,
    summary: "One of the caller's prompts",
    params: PromptIdParams,
    response: { 200: PromptBody, ...authenticatedErrors, 404: ErrorBody },
  };
  for (const route of slashVariants("/api/prompts/:id", getSchema)) {
    app.get(route.url, { schema: route.schema, onRequest: authenticate }, async (request) => {
      // Another user's prompt is "not found", not "forbidden": its existence is not revealed.
      const prompt = await storage.prompts.get(userIdOf(request), request.params.id);
      if (!prompt) throw new ApiError("not_found", "Prompt not found.");
      return toPromptBody(prompt);
    });
  }

  const deleteSchema = {
    operationId: "deletePrompt",
    tags,
    security,
    summary: "Delete one of the caller's prompts",
    description:
      "Gone from history and search on every instance within a second, and never again the source of a reused " +
      "answer (prompts that reused its answer keep their copy; their `reused_from` becomes null). The caller's " +
      "sockets receive `prompt_deleted`.",
    params: PromptIdParams,
    response: { 204: { type: "null", description: "Deleted." }, ...authenticatedErrors, 404: ErrorBody },
  };
  for (const route of slashVariants("/api/prompts/:id", deleteSchema)) {
    app.delete(route.url, { schema: route.schema, onRequest: authenticate }, async (request, reply) => {
      const userId = userIdOf(request);
      // Another user's prompt is "not found", as on GET.
      if (!(await storage.prompts.delete(userId, request.params.id))) {
        throw new ApiError("not_found", "Prompt not found.");
      }
      similarity.forgetUser(userId);
      hub.publish(userGroup(userId), deletedEvent(request.params.id)).catch((error: unknown) => {
        request.log.warn({ err: error, userId }, "could not publish a prompt_deleted event");
      });
      request.log.info({ event: "prompt_deleted", userId, promptId: request.params.id }, "prompt deleted");
      return reply.code(204).send();
    });
  }
};
