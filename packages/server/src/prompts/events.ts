import type { StoredPrompt } from "../storage/index.js";
import { toPromptBody } from "./schemas.js";

/** The events a user's sockets receive. `prompt.message` is the original service's event, unchanged. */
export type PromptEvent =
  | {
      type: "prompt.message";
      event: "prompt_completed";
      data: { id: number; prompt: string; response: string; created_at: string; reused_from: number | null };
    }
  | {
      type: "prompt.start";
      event: "prompt_started";
      data: { id: number; prompt: string; started_at: string };
    }
  | { type: "prompt.delta"; event: "prompt_delta"; data: { id: number; index: number; delta: string } }
  | { type: "prompt.error"; event: "prompt_failed"; data: { id: number; code: string; detail: string } }
  /** The user deleted the prompt: clients drop it from what they show. */
  | { type: "prompt.message"; event: "prompt_deleted"; data: { id: number } };

export const completedEvent = (prompt: StoredPrompt): PromptEvent => ({
  type: "prompt.message",
  event: "prompt_completed",
  data: toPromptBody(prompt),
});

export const startedEvent = (id: number, prompt: string, startedAt: Date): PromptEvent => ({
  type: "prompt.start",
  event: "prompt_started",
  data: { id, prompt, started_at: startedAt.toISOString() },
});

export const deltaEvent = (id: number, index: number, delta: string): PromptEvent => ({
  type: "prompt.delta",
  event: "prompt_delta",
  data: { id, index, delta },
});

export const failedEvent = (id: number, code: string, detail: string): PromptEvent => ({
  type: "prompt.error",
  event: "prompt_failed",
  data: { id, code, detail },
});

export const deletedEvent = (id: number): PromptEvent => ({
  type: "prompt.message",
  event: "prompt_deleted",
  data: { id },
});

/** A stored prompt's events as if it were answered again in one piece: a replayed streamed request (Idempotency-Key). */
export const replayEvents = (prompt: StoredPrompt): PromptEvent[] => [
  startedEvent(prompt.id, prompt.prompt, prompt.createdAt),
  deltaEvent(prompt.id, 0, prompt.response),
  completedEvent(prompt),
];
