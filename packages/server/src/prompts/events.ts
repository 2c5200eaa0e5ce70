import type { PromptEvent as PromptEventSchema } from "@prompt-service/protocol/schemas";
import type { Static } from "typebox";
import type { StoredPrompt } from "../storage/index.js";
import { toPromptBody } from "./schemas.js";

/** What a user's sockets receive: the envelope of @prompt-service/protocol's `PromptEvent` schema. */
export type PromptEvent = Static<typeof PromptEventSchema>;

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
