import { Type } from "typebox";
import { StoredText } from "../http/schemas.js";

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
});

export const PromptBody = Type.Object(
  {
    id: Type.Integer(),
    prompt: Type.String(),
    response: Type.String(),
    created_at: Type.String({ format: "date-time" }),
  },
  { $id: "Prompt" },
);

export const PromptIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});

export const ListPromptsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
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
