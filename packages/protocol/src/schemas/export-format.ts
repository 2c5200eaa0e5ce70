import { Type } from "typebox";
import { StoredText } from "./text.js";

const ChatTurn = Type.Object({
  role: Type.Union([Type.Literal("system"), Type.Literal("user"), Type.Literal("assistant")]),
  content: StoredText(),
});

/**
 * One line of an export, and of an import: the prompt as the API shows it, plus the model that answered, the
 * conversation of a chat call and the tokens it cost, where those exist. An import reads `prompt`, `response`,
 * `created_at` and the optional fields; `id` and `reused_from` are the exporting server's and are ignored.
 */
export const ExportLine = Type.Object(
  {
    id: Type.Optional(Type.Integer()),
    prompt: StoredText({ minLength: 1 }),
    response: StoredText(),
    created_at: Type.String({ format: "date-time" }),
    reused_from: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    model: Type.Optional(StoredText({ minLength: 1, maxLength: 200 })),
    messages: Type.Optional(Type.Union([Type.Array(ChatTurn, { maxItems: 1000 }), Type.Null()])),
    usage: Type.Optional(
      Type.Object({
        prompt_tokens: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
        completion_tokens: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
        estimated: Type.Boolean({
          description: "Counted by the server's tokenizer: the provider reported none.",
        }),
      }),
    ),
  },
  { $id: "ExportLine" },
);

/** What an import answers. */
export const ImportResult = Type.Object(
  {
    imported: Type.Integer({ description: "Prompts stored." }),
    skipped: Type.Integer({ description: "Lines the caller already had." }),
  },
  { $id: "ImportResult" },
);
