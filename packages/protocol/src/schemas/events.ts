import { type TSchema, Type } from "typebox";
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

/** One event's envelope: its `type` (the original service's), its `event` name, and what it carries. */
const envelope = <Kind extends string, Name extends string, Data extends TSchema>(
  type: Kind,
  event: Name,
  data: Data,
) => Type.Object({ type: Type.Literal(type), event: Type.Literal(event), data });

export const PromptStartedEvent = envelope("prompt.start", "prompt_started", PromptStart);
export const PromptDeltaEvent = envelope("prompt.delta", "prompt_delta", PromptDelta);
export const PromptCompletedEvent = envelope("prompt.message", "prompt_completed", PromptBody);
export const PromptFailedEvent = envelope("prompt.error", "prompt_failed", PromptFailure);
/** The user deleted the prompt: clients drop it from what they show. */
export const PromptDeletedEvent = envelope("prompt.message", "prompt_deleted", PromptDeletion);

export const PromptEvent = Type.Union(
  [PromptStartedEvent, PromptDeltaEvent, PromptCompletedEvent, PromptFailedEvent, PromptDeletedEvent],
  { description: "What a user's sockets receive, and what the SDK's event stream yields." },
);
