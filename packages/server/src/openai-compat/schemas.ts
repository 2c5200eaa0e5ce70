import { StoredText } from "@prompt-service/protocol/schemas";
import { type TSchema, Type } from "typebox";

/**
 * OpenAI's request and response shapes, as much of them as the service answers. Request objects leave
 * `additionalProperties` open: OpenAI's clients send fields this server has no use for (`frequency_penalty`,
 * `logit_bias`, `seed`…), and they are ignored, as OpenAI's own API ignores what it does not know.
 */

/** Optional, and null means absent: clients send `"stop": null` and the like. */
const Nullable = <Schema extends TSchema>(schema: Schema) => Type.Optional(Type.Union([schema, Type.Null()]));

export const OpenAiErrorBody = Type.Object(
  {
    error: Type.Object({
      message: Type.String({ description: "Human-readable explanation." }),
      type: Type.String({
        description:
          "OpenAI's error type: `invalid_request_error`, `requests` (throttled), `insufficient_quota`, `server_error`.",
      }),
      param: Type.Union([Type.String(), Type.Null()], {
        description: "The request field at fault, if one is.",
      }),
      code: Type.Union([Type.String(), Type.Null()], {
        description:
          "Machine-readable code, e.g. `invalid_api_key`, `model_not_found`, `rate_limit_exceeded`.",
      }),
    }),
  },
  {
    $id: "OpenAiError",
    description: "Every error of `/v1` has OpenAI's shape, so OpenAI clients raise their typed errors.",
  },
);

/** The error responses of a `/v1` operation, all in OpenAI's shape. */
export function openAiErrors(...statuses: number[]): Record<number, typeof OpenAiErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, OpenAiErrorBody]));
}

const TextPart = Type.Object({
  type: Type.Literal("text", { "x-error": "Only text content parts are supported." }),
  text: StoredText(),
});

const Message = Type.Object({
  role: Type.Union(
    [Type.Literal("system"), Type.Literal("developer"), Type.Literal("user"), Type.Literal("assistant")],
    { "x-error": "Expected one of 'system', 'developer', 'user', 'assistant' (tools are not supported)." },
  ),
  content: Type.Union([StoredText(), Type.Array(TextPart)], {
    "x-error": "Expected a string or an array of text parts.",
  }),
  name: Type.Optional(Type.String()),
});

export const ChatCompletionRequest = Type.Object({
  model: Type.String({ description: "The server's chat model: see `GET /v1/models`.", example: "mock" }),
  messages: Type.Array(Message, {
    minItems: 1,
    description:
      "The conversation. Its last user message is stored as the prompt (and searched); the whole list is kept " +
      "with it. `developer` is taken as `system`.",
  }),
  stream: Nullable(Type.Boolean()),
  stream_options: Nullable(Type.Object({ include_usage: Type.Optional(Type.Boolean()) })),
  max_tokens: Nullable(Type.Integer({ minimum: 1 })),
  max_completion_tokens: Nullable(Type.Integer({ minimum: 1, description: "Wins over `max_tokens`." })),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  stop: Nullable(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 })])),
  n: Nullable(Type.Integer({ minimum: 1, maximum: 1, description: "One choice only." })),
  user: Nullable(
    Type.String({ description: "Accepted and ignored: the caller's key already names the user." }),
  ),
});

const Usage = Type.Object({
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
});

const FinishReason = Type.Union([
  Type.Literal("stop"),
  Type.Literal("length"),
  Type.Literal("content_filter"),
]);

export const ChatCompletion = Type.Object({
  id: Type.String({
    description: "`chatcmpl-<id>`, where `<id>` is the stored prompt's id in `/api/prompts`.",
  }),
  object: Type.Literal("chat.completion"),
  created: Type.Integer({ description: "Unix seconds." }),
  model: Type.String(),
  choices: Type.Array(
    Type.Object({
      index: Type.Integer(),
      message: Type.Object({
        role: Type.Literal("assistant"),
        content: Type.String(),
        refusal: Type.Null(),
      }),
      logprobs: Type.Null(),
      finish_reason: FinishReason,
    }),
  ),
  usage: Usage,
});

export const ChatCompletionStream = Type.String({
  description:
    "Server-sent events: `data: <chat.completion.chunk>` lines (the first with the assistant's role, the last with " +
    "`finish_reason`), a last chunk with `usage` and no choices when `stream_options.include_usage` is true, then " +
    '`data: [DONE]`. A failure after the first chunk arrives as `data: {"error": …}`.',
});

export const Model = Type.Object({
  id: Type.String(),
  object: Type.Literal("model"),
  created: Type.Integer(),
  owned_by: Type.String(),
});

export const ModelList = Type.Object({ object: Type.Literal("list"), data: Type.Array(Model) });

export const ModelParams = Type.Object({ model: Type.String() });

export const EmbeddingRequest = Type.Object({
  model: Type.String({ description: "The server's embedding model: see `GET /v1/models`." }),
  input: Type.Union(
    [StoredText({ minLength: 1 }), Type.Array(StoredText({ minLength: 1 }), { minItems: 1 })],
    {
      "x-error":
        "Expected a non-empty string or array of non-empty strings (token arrays are not supported).",
    },
  ),
  encoding_format: Nullable(Type.Union([Type.Literal("float"), Type.Literal("base64")])),
  dimensions: Nullable(Type.Integer({ minimum: 1, description: "Only the model's own dimensions." })),
  user: Nullable(Type.String()),
});

export const EmbeddingList = Type.Object({
  object: Type.Literal("list"),
  data: Type.Array(
    Type.Object({
      object: Type.Literal("embedding"),
      index: Type.Integer(),
      embedding: Type.Union([
        Type.Array(Type.Number()),
        Type.String({ description: "base64 little-endian float32" }),
      ]),
    }),
  ),
  model: Type.String(),
  usage: Type.Object({ prompt_tokens: Type.Integer(), total_tokens: Type.Integer() }),
});
