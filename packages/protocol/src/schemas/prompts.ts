import { Type } from "typebox";
import { StoredText } from "./text.js";

export const CreatePromptBody = Type.Object({
  prompt: StoredText({
    description:
      "The prompt; surrounding whitespace is trimmed, then 1 to PROMPT_MAX_LENGTH (8000) characters.",
    example: "hola mundo",
  }),
  websocket: Type.Optional(
    Type.Boolean({
      default: false,
      description: "Also push the answer to the caller's WebSocket connections.",
    }),
  ),
  stream: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        "Answer with `200 text/event-stream` instead of `201` JSON: the answer's events as the model writes them " +
        "(`prompt.start`, then `prompt.delta`…), ending with `prompt.message` (the stored prompt) or `prompt.error`.",
    }),
  ),
  reuse: Type.Optional(
    Type.Boolean({
      default: true,
      description:
        "When the server reuses answers (ANSWER_REUSE_MIN_SCORE), whether this prompt may be answered with the " +
        "caller's earlier answer to the same question; false always asks the model.",
    }),
  ),
});

export const PromptBody = Type.Object(
  {
    id: Type.Integer(),
    prompt: Type.String(),
    response: Type.String(),
    created_at: Type.String({ format: "date-time" }),
    reused_from: Type.Union([Type.Integer(), Type.Null()], {
      description: "The caller's earlier prompt whose answer this one reused; null when the model answered.",
    }),
  },
  { $id: "Prompt" },
);

/**
 * The body of a streamed answer (`stream: true`): server-sent events, each `event: <type>` and `data: <the
 * WebSocket message>`, e.g. `event: prompt.delta` / `data: {"type":"prompt.delta","event":"prompt_delta",
 * "data":{"id":7,"index":0,"delta":"Hola"}}`.
 */
export const PromptEventStreamBody = Type.String({
  description:
    "Server-sent events: `prompt.delta` for each piece of the answer, then `prompt.message` with the stored " +
    "prompt, or `prompt.error` with `code` and `detail`. `data` is the JSON message the WebSocket sends.",
  example:
    'event: prompt.delta\ndata: {"type":"prompt.delta","event":"prompt_delta","data":{"id":7,"index":0,"delta":"Hola"}}\n\n',
});

/** Prompts per page of GET /api/prompts when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 20;

export const ListPromptsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE })),
  cursor: Type.Optional(
    Type.String({ maxLength: 200, description: "The `next` value of the previous page." }),
  ),
});

export const PromptPage = Type.Object({
  results: Type.Array(PromptBody),
  next: Type.Union([Type.String(), Type.Null()], {
    description: "Cursor of the next page; null on the last.",
  }),
});
