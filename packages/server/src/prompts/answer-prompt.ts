import type { FastifyBaseLogger, FastifyError } from "fastify";
import { toApiError } from "../http/error-handler.js";
import { singlePrompt } from "../llm/chat.js";
import type { AnswerEnd, ChatRequest, FinishReason, LlmProvider, TokenUsage } from "../llm/port.js";
import type { Metrics } from "../observability/metrics.js";
import { type EventHub, userGroup } from "../realtime/hub/index.js";
import type { SimilarityService } from "../similarity/similarity-service.js";
import type { NewPrompt, Storage, StoredPrompt } from "../storage/index.js";
import { completedEvent, deltaEvent, failedEvent, type PromptEvent, startedEvent } from "./events.js";
import type { AnswerReuse } from "./reuse/answer-reuse.js";

export interface AnswerDependencies {
  storage: Storage;
  similarity: SimilarityService;
  llm: LlmProvider;
  hub: EventHub;
  metrics: Metrics;
  /** Present when ANSWER_REUSE_MIN_SCORE is set. */
  reuse: AnswerReuse | undefined;
  log: FastifyBaseLogger;
}

/** A conversation to answer, and the settings its client gave the model. */
export type Chat = Omit<ChatRequest, "signal">;

export interface AnswerRequest {
  userId: number;
  /** The prompt as stored and searched: the text of POST /api/prompts, or a chat's last user turn. */
  text: string;
  /** The whole conversation of a chat call (`/v1`), stored with the prompt; absent, the model is asked `text` alone. */
  chat?: Chat;
  /** Publish the answer's events to the user's sockets. */
  notify: boolean;
  /** Receives the answer's events as they happen: the answer streamed on the request itself. */
  onEvent?: (event: PromptEvent) => void;
  /**
   * Whether the user's earlier answer to the same question may be reused (when reuse is on). Only ever for a single
   * question: in a conversation, an answer to the same last turn in another conversation answers another thing.
   */
  reuse: boolean;
  /** Aborted when nobody waits for the answer any more: the model is then not called, nor the prompt stored. */
  signal?: AbortSignal;
  /** The Idempotency-Key the request runs under, whose result is recorded with the prompt. */
  idempotency?: NewPrompt["idempotency"];
}

/** A stored prompt, and why its answer ended (what an OpenAI client is told). */
export interface AnsweredPrompt extends StoredPrompt {
  finishReason: FinishReason;
}

/** What a reused answer costs: no model call, so no tokens (the usage rollup counts it as a call saved). */
const NO_TOKENS: TokenUsage = { promptTokens: 0, completionTokens: 0, estimated: false };

/**
 * Answers a prompt (or a chat, whose last user turn is the prompt) with the model, or with the user's earlier answer
 * to the same question (see AnswerReuse), stores prompt, answer, the chat and what the answer cost in tokens as soon
 * as the answer exists (a failing provider leaves nothing behind), and hands the stored
 * prompt to the similarity index, whose vector follows in the background: the answer never waits for the embedding
 * model. When the answer is followed (`notify`, `onEvent`), `prompt.start` gives the prompt's text under the id it
 * will be stored with (so that a client shows what is being answered), `prompt.delta` events stream the answer,
 * and `prompt.message` follows once stored, or `prompt.error` whenever the prompt ends without being
 * stored (the model failed midway, the database refused), so no client waits forever.
 */
export async function answerPrompt(
  dependencies: AnswerDependencies,
  request: AnswerRequest,
): Promise<AnsweredPrompt> {
  const { storage, llm, similarity, metrics } = dependencies;
  const { userId, text } = request;
  const chat: Chat = request.chat ?? { messages: singlePrompt(text) };
  request.signal?.throwIfAborted();
  const emit = emitter(dependencies, request);
  const reusable = request.reuse && isSingleQuestion(chat);
  const earlier = reusable ? await dependencies.reuse?.earlierAnswerFor(userId, text) : undefined;
  const id = emit ? await storage.prompts.reserveId() : undefined;
  emit?.(startedEvent(id as number, text, new Date()));
  let response: string;
  let end: AnswerEnd;
  if (earlier) {
    response = earlier.response;
    end = { finishReason: "stop", usage: NO_TOKENS };
    emit?.(deltaEvent(id as number, 0, response));
  } else {
    // A client that has gone stops the model too: its answer would not be stored, but it would be billed.
    const call: ChatRequest = { ...chat, signal: request.signal };
    ({ content: response, ...end } = emit
      ? await streamAnswer(dependencies, emit, id as number, call)
      : await llm.complete(call));
  }
  let stored: StoredPrompt;
  try {
    // A model may write U+0000, which PostgreSQL text cannot hold: it is stored as the replacement character.
    const storable = response.replaceAll("\u0000", "\uFFFD");
    request.signal?.throwIfAborted();
    stored = await storage.prompts.insert({
      id,
      userId,
      prompt: text,
      response: storable,
      model: earlier ? earlier.model : llm.model,
      ...(earlier ? { reusedFrom: earlier.id } : {}),
      ...(request.chat ? { messages: [...request.chat.messages] } : {}),
      usage: end.usage,
      ...(request.idempotency ? { idempotency: request.idempotency } : {}),
    });
  } catch (error) {
    const failure = toApiError(error as FastifyError);
    emit?.(failedEvent(id as number, failure.code, failure.message));
    throw error;
  }
  if (earlier) metrics.answersReused.inc();
  similarity.indexStored(stored);
  emit?.(completedEvent(stored));
  return { ...stored, finishReason: end.finishReason };
}

/** One user turn and nothing else: no system prompt, no earlier turns, that could make the same words mean more. */
function isSingleQuestion({ messages }: Chat): boolean {
  return messages.length === 1 && messages[0]?.role === "user";
}

/**
 * Where the answer's events go: the user's sockets, the request's own stream, both, or nowhere (undefined). Delivery
 * to sockets is best effort and never fails the request: the prompt is stored and returned either way.
 */
function emitter(
  { hub, log }: AnswerDependencies,
  { userId, notify, onEvent }: AnswerRequest,
): ((event: PromptEvent) => void) | undefined {
  if (!notify) return onEvent;
  return (event) => {
    hub.publish(userGroup(userId), event).catch((error: unknown) => {
      log.warn({ err: error, userId, event: event.event }, "could not publish a websocket event");
    });
    onEvent?.(event);
  };
}

/** Streams the answer under the id it will be stored with; returns the whole answer and how it ended. */
async function streamAnswer(
  { llm }: AnswerDependencies,
  emit: (event: PromptEvent) => void,
  id: number,
  chat: ChatRequest,
): Promise<AnswerEnd & { content: string }> {
  let content = "";
  let index = 0;
  try {
    const pieces = llm.stream(chat);
    for (let next = await pieces.next(); ; next = await pieces.next()) {
      if (next.done) return { content, ...next.value };
      content += next.value;
      emit(deltaEvent(id, index++, next.value));
    }
  } catch (error) {
    // The provider's failures are ProviderErrors; anything else is the abort of a client that has gone.
    const failure = toApiError(error as FastifyError);
    emit(failedEvent(id, failure.code, failure.message));
    throw error;
  }
}
