import { Type } from "typebox";
import { PromptBody } from "./prompts.js";

/*
 * The messages a user's sockets receive (and the `data:` of a streamed answer's server-sent events): an envelope of
 * `type`, `event` and `data`. `prompt.message` / `prompt_completed` is the original service's event, unchanged.
 */

export const PromptStart = Type.Object(
  { id: Type.Integer(), prompt: Type.String(), started_at: Type.String({ format: "date-time" }) },
  {
    description:
      "A prompt whose answer has begun: its text, under the id it will be stored with, and when the server took it.",
  },
);

export const PromptDelta = Type.Object(
  { id: Type.Integer(), index: Type.Integer(), delta: Type.String() },
  {
    description:
      "A piece of an answer while the language model is still writing it; `index` orders the pieces of one prompt.",
  },
);

export const PromptFailure = Type.Object(
  { id: Type.Integer(), code: Type.String(), detail: Type.String() },
  { description: "A prompt whose answer could not be produced." },
);

export const PromptDeletion = Type.Object(
  { id: Type.Integer() },
  { description: "A prompt that its user deleted: gone from history and search." },
);

export const PromptStartedEvent = Type.Object({
  type: Type.Literal("prompt.start"),
  event: Type.Literal("prompt_started"),
  data: PromptStart,
});

export const PromptDeltaEvent = Type.Object({
  type: Type.Literal("prompt.delta"),
  event: Type.Literal("prompt_delta"),
  data: PromptDelta,
});

export const PromptCompletedEvent = Type.Object({
  type: Type.Literal("prompt.message"),
  event: Type.Literal("prompt_completed"),
  data: PromptBody,
});

export const PromptFailedEvent = Type.Object({
  type: Type.Literal("prompt.error"),
  event: Type.Literal("prompt_failed"),
  data: PromptFailure,
});

/** The user deleted the prompt: clients drop it from what they show. */
export const PromptDeletedEvent = Type.Object({
  type: Type.Literal("prompt.message"),
  event: Type.Literal("prompt_deleted"),
  data: PromptDeletion,
});

export const PromptEvent = Type.Union(
  [PromptStartedEvent, PromptDeltaEvent, PromptCompletedEvent, PromptFailedEvent, PromptDeletedEvent],
  { description: "What a user's sockets receive, and what the SDK's event stream yields." },
);
