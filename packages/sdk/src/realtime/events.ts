import type { Prompt } from "../generated/api.js";

// Written by hand until the server publishes schemas for its socket messages; then they move to the generator.

/** A prompt whose answer has begun: its text, under the id it will be stored with, and when the server took it. */
export interface PromptStart {
  id: number;
  prompt: string;
  started_at: string;
}

/** A piece of an answer while the language model is still writing it; `index` orders the pieces of one prompt. */
export interface PromptDelta {
  id: number;
  index: number;
  delta: string;
}

/** A prompt whose answer could not be produced. */
export interface PromptFailure {
  id: number;
  code: string;
  detail: string;
}

/** A prompt that its user deleted: gone from history and search. */
export interface PromptDeletion {
  id: number;
}

export interface PromptCompletedEvent {
  type: "prompt.message";
  event: "prompt_completed";
  data: Prompt;
}

export interface PromptStartedEvent {
  type: "prompt.start";
  event: "prompt_started";
  data: PromptStart;
}

export interface PromptDeltaEvent {
  type: "prompt.delta";
  event: "prompt_delta";
  data: PromptDelta;
}

export interface PromptFailedEvent {
  type: "prompt.error";
  event: "prompt_failed";
  data: PromptFailure;
}

export interface PromptDeletedEvent {
  type: "prompt.message";
  event: "prompt_deleted";
  data: PromptDeletion;
}

/** What the event stream yields. */
export type PromptEvent =
  | PromptStartedEvent
  | PromptDeltaEvent
  | PromptCompletedEvent
  | PromptFailedEvent
  | PromptDeletedEvent;

/** The `type` that goes with each `event` (one type, `prompt.message`, carries two events). */
const TYPE_OF_EVENT: Record<PromptEvent["event"], PromptEvent["type"]> = {
  prompt_started: "prompt.start",
  prompt_delta: "prompt.delta",
  prompt_completed: "prompt.message",
  prompt_failed: "prompt.error",
  prompt_deleted: "prompt.message",
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The event in a server message; undefined for anything else: pongs, replies to our own messages, and events
 * a newer server sends that this client does not know yet.
 */
export function parseServerMessage(text: string): PromptEvent | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(message) || !isObject(message.data) || typeof message.event !== "string") return undefined;
  const known = Object.hasOwn(TYPE_OF_EVENT, message.event);
  return known && TYPE_OF_EVENT[message.event as PromptEvent["event"]] === message.type
    ? (message as unknown as PromptEvent)
    : undefined;
}
