import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import { userIdOf } from "../auth/authenticate.js";
import { slashVariants } from "../http/slash-variants.js";
import { type AnsweredPrompt, answerPrompt, type Chat } from "../prompts/answer-prompt.js";
import { ClientGoneError, clientGoneSignal } from "../prompts/client-gone.js";
import { replayEvents } from "../prompts/events.js";
import type { IdempotentRun } from "../prompts/idempotency.js";
import { throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import type { StoredPrompt } from "../storage/index.js";
import { ChunkStream } from "./chunk-stream.js";
import { completionId, completionOf } from "./completion-objects.js";
import { modelNotFound, toOpenAiError } from "./errors.js";
import { receiveChat } from "./messages.js";
import { ChatCompletion, ChatCompletionRequest, ChatCompletionStream, openAiErrors } from "./schemas.js";

type Body = Static<typeof ChatCompletionRequest>;

/** The generation settings of the request, in the model's terms; `max_completion_tokens` is the newer name. */
function settingsOf(body: Body): Omit<Chat, "messages"> {
  const stop = typeof body.stop === "string" ? [body.stop] : body.stop;
  return {
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    stop: stop ?? undefined,
  };
}

/**
 * POST /v1/chat/completions: OpenAI's Chat Completions, answered as a prompt of the caller. It is throttled with
 * POST /api/prompts (one per-user window for both), checked against the token budget, stored with its whole
 * conversation and its usage, searchable, and followed live on the user's sockets like `websocket: true`.
 */
export const chatCompletionRoutes: FastifyPluginAsyncTypebox<ServiceContext> = async (app, context) => {
  const {
    storage,
    llm,
    hub,
    similarity,
    metrics,
    limiters,
    budget,
    config,
    authenticate,
    reuse,
    idempotency,
  } = context;

  /**
   * One completion, streamed or whole. With an Idempotency-Key, as on POST /api/prompts: the same key and body
   * replays the first result, another body is 422, a request still running is 409.
   */
  async function complete(body: Body, request: FastifyRequest, reply: FastifyReply) {
    // Taken first, before any wait: it reads the connection's state as the request arrived.
    const clientGone = clientGoneSignal(request, reply);
    const userId = userIdOf(request);
    if (body.model !== llm.model) throw modelNotFound(body.model);
    const chat = receiveChat(body.messages, config.promptMaxLength);
    const idempotent = await idempotency.begin(request, userId, "createChatCompletion", "completion");
    if (idempotent?.kind === "replay") return replay(idempotent.prompt, body, reply);
    try {
      return await answer(userId, chat, body, request, reply, clientGone, idempotent);
    } finally {
      idempotent?.end();
    }
  }

  /** The first result of an Idempotency-Key again: the stored prompt as a completion, or as a short stream of one. */
  function replay(earlier: StoredPrompt, body: Body, reply: FastifyReply) {
    // Why the first answer ended is not stored: a replay says "stop".
    const answered: AnsweredPrompt = { ...earlier, finishReason: "stop" };
    const created = Math.floor(earlier.createdAt.getTime() / 1000);
    reply.header("idempotent-replayed", "true");
    if (body.stream !== true)
      return completionOf({ id: completionId(earlier.id), created, model: earlier.model }, answered);
    const stream = new ChunkStream(reply, {
      created,
      model: earlier.model,
      includeUsage: body.stream_options?.include_usage === true,
    });
    for (const event of replayEvents(earlier)) stream.send(event);
    stream.finish(answered);
    return reply;
  }

  async function answer(
    userId: number,
    chat: ReturnType<typeof receiveChat>,
    body: Body,
    request: FastifyRequest,
    reply: FastifyReply,
    clientGone: AbortSignal,
    idempotent: IdempotentRun | undefined,
  ) {
    const created = Math.floor(Date.now() / 1000);
    const stream =
      body.stream === true
        ? new ChunkStream(reply, {
            created,
            model: llm.model,
            includeUsage: body.stream_options?.include_usage === true,
          })
        : undefined;
    let answered: AnsweredPrompt;
    try {
      // The budget limits spend, as the throttle limits requests: checked before the model is called.
      await budget.assertWithin(userId);
      answered = await answerPrompt(
        { storage, llm, hub, similarity, metrics, reuse, log: request.log },
        {
          userId,
          text: chat.prompt,
          chat: { messages: chat.messages, ...settingsOf(body) },
          // An app's calls show in the user's `prompt watch` as they are answered.
          notify: true,
          // answerPrompt reuses only for a single user turn: see the README's OpenAI-compatible API.
          reuse: true,
          ...(stream ? { onEvent: (event) => stream.send(event) } : {}),
          // As on POST /api/prompts: a client that gave up (and may have retried elsewhere) gets nothing stored.
          signal: clientGone,
          ...(idempotent ? { idempotency: idempotent.storedAs(200) } : {}),
        },
      );
    } catch (caught) {
      // A failed request is not remembered under its key: the client's retry runs it again.
      const error = idempotent ? await idempotent.failed(caught) : caught;
      if (caught instanceof ClientGoneError) {
        stream?.abandon();
        request.log.info({ userId }, "client gone before its chat completion was answered: not stored");
        return reply;
      }
      // Once streaming, the failure goes out as the stream's last event; before, it answers as usual.
      if (!stream?.started) throw error;
      request.log.warn({ err: error, userId }, "streamed chat completion failed");
      stream.fail(toOpenAiError(error as Error));
      return reply;
    }
    request.log.info(
      { event: "prompt_created", userId, promptId: answered.id, reusedFrom: answered.reusedFrom, api: "v1" },
      "prompt created",
    );
    metrics.promptsCreated.inc();
    if (stream) {
      stream.finish(answered);
      return reply;
    }
    // The stored time, so that a replay under an Idempotency-Key answers the very same object.
    const storedAt = Math.floor(answered.createdAt.getTime() / 1000);
    return completionOf({ id: completionId(answered.id), created: storedAt, model: llm.model }, answered);
  }

  const schema = {
    operationId: "createChatCompletion",
    tags: ["openai"],
    security: [{ bearerAuth: [] }],
    summary: "OpenAI's Chat Completions: answer a conversation, stored as a prompt of the caller",
    body: ChatCompletionRequest,
    response: {
      200: {
        description: "The completion; with `stream: true`, its chunks as server-sent events.",
        content: {
          "application/json": { schema: ChatCompletion },
          "text/event-stream": { schema: ChatCompletionStream },
        },
      },
      ...openAiErrors(400, 401, 404, 429, 502, 504),
    },
  };
  const throttlePrompts = throttle([
    { limiter: limiters.prompts, keyOf: (request) => String(userIdOf(request)) },
  ]);
  for (const route of slashVariants("/chat/completions", schema)) {
    app.post(
      route.url,
      { schema: route.schema, onRequest: authenticate, config: throttlePrompts },
      (request, reply) => complete(request.body, request, reply),
    );
  }
};
