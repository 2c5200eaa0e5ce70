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

/** What the event stream yields. */
export type PromptEvent = PromptStartedEvent | PromptDeltaEvent | PromptCompletedEvent | PromptFailedEvent;

const EVENT_OF_TYPE: Record<string, string> = {
  "prompt.start": "prompt_started",
  "prompt.message": "prompt_completed",
  "prompt.delta": "prompt_delta",
  "prompt.error": "prompt_failed",
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
  if (!isObject(message) || !isObject(message.data) || typeof message.type !== "string") return undefined;
  return EVENT_OF_TYPE[message.type] === message.event ? (message as unknown as PromptEvent) : undefined;
}
