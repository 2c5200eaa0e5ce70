import type { FastifyBaseLogger, FastifyError } from "fastify";
import { ApiError } from "../errors.js";
import { toApiError } from "../http/error-handler.js";
import type { LlmProvider } from "../llm/port.js";
import { completedEvent, deltaEvent, failedEvent, type PromptEvent } from "../realtime/events.js";
import { type EventHub, userGroup } from "../realtime/hub/index.js";
import type { SimilarityService } from "../similarity/similarity-service.js";
import type { Storage, StoredPrompt } from "../storage/index.js";

export interface AnswerDependencies {
  storage: Storage;
  similarity: SimilarityService;
  llm: LlmProvider;
  hub: EventHub;
  log: FastifyBaseLogger;
}

/**
 * Asks the model, stores prompt and answer as soon as the answer exists (a failing provider leaves nothing behind),
 * and hands the stored prompt to the similarity index, whose vector follows in the background: the answer never
 * waits for the embedding model. With `notify`, the answer streams to the user's sockets as `prompt.delta` events
 * under the id it will be stored with, followed by `prompt.message` once stored, or `prompt.error` whenever the
 * prompt ends without being stored (the model failed midway, the database refused), so no client waits forever.
 */
export async function answerPrompt(
  dependencies: AnswerDependencies,
  request: { userId: number; text: string; notify: boolean },
): Promise<StoredPrompt> {
  const { storage, llm, similarity } = dependencies;
  const { userId, text, notify } = request;
  const id = notify ? await storage.prompts.reserveId() : undefined;
  const response = notify
    ? await streamAnswer(dependencies, userId, id as number, text)
    : await llm.complete(text);
  let stored: StoredPrompt;
  try {
    // A model may write U+0000, which PostgreSQL text cannot hold: it is stored as the replacement character.
    const storable = response.replaceAll("\u0000", "\uFFFD");
    stored = await storage.prompts.insert({ id, userId, prompt: text, response: storable, model: llm.model });
  } catch (error) {
    if (notify) {
      const failure = toApiError(error as FastifyError);
      publish(dependencies, userId, failedEvent(id as number, failure.code, failure.message));
    }
    throw error;
  }
  similarity.indexStored(stored);
  if (notify) publish(dependencies, userId, completedEvent(stored));
  return stored;
}

/** Delivery is best effort and never fails the request: the prompt is stored and returned either way. */
function publish({ hub, log }: AnswerDependencies, userId: number, event: PromptEvent): void {
  hub.publish(userGroup(userId), event).catch((error: unknown) => {
    log.warn({ err: error, userId, event: event.event }, "could not publish a websocket event");
  });
}

/** Streams the answer to the user's sockets under the id it will be stored with; returns the whole answer. */
async function streamAnswer(
  dependencies: AnswerDependencies,
  userId: number,
  id: number,
  text: string,
): Promise<string> {
  let response = "";
  let index = 0;
  try {
    for await (const delta of dependencies.llm.stream(text)) {
      response += delta;
      publish(dependencies, userId, deltaEvent(id, index++, delta));
    }
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError("llm_error");
    publish(dependencies, userId, failedEvent(id, failure.code, failure.message));
    throw error;
  }
  return response;
}
