import type { FastifyBaseLogger } from "fastify";
import { ApiError } from "../errors.js";
import type { LlmProvider } from "../llm/port.js";
import { completedEvent, deltaEvent, failedEvent, type PromptEvent } from "../realtime/events.js";
import { type EventHub, userGroup } from "../realtime/hub/index.js";
import type { Storage, StoredPrompt } from "../storage/index.js";

export interface AnswerDependencies {
  storage: Storage;
  llm: LlmProvider;
  hub: EventHub;
  log: FastifyBaseLogger;
}

/**
 * Asks the model, then stores prompt and answer: a failing provider leaves nothing behind. With `notify`, the
 * answer streams to the user's sockets as `prompt.delta` events under the id it will be stored with, followed by
 * `prompt.message` once stored (or `prompt.error` if the model fails midway, so no client waits forever).
 */
export async function answerPrompt(
  { storage, llm, hub, log }: AnswerDependencies,
  request: { userId: number; text: string; notify: boolean },
): Promise<StoredPrompt> {
  const { userId, text, notify } = request;
  if (!notify) {
    const response = await llm.complete(text);
    return storage.prompts.insert({ userId, prompt: text, response, model: llm.model });
  }

  // Delivery is best effort and never fails the request: the prompt is stored and returned either way.
  const publish = (event: PromptEvent) => {
    hub.publish(userGroup(userId), event).catch((error: unknown) => {
      log.warn({ err: error, userId, event: event.event }, "could not publish a websocket event");
    });
  };

  const id = await storage.prompts.reserveId();
  let response = "";
  let index = 0;
  try {
    for await (const delta of llm.stream(text)) {
      response += delta;
      publish(deltaEvent(id, index++, delta));
    }
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError("llm_error");
    publish(failedEvent(id, failure.code, failure.message));
    throw error;
  }
  const stored = await storage.prompts.insert({ id, userId, prompt: text, response, model: llm.model });
  publish(completedEvent(stored));
  return stored;
}
