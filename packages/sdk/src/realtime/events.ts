import type { PromptEvent } from "../generated/api.js";

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
