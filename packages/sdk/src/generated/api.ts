// Generated from @prompt-service/protocol's TypeBox schemas by `npm run generate:types -w @prompt-service/sdk`: do not edit.
// packages/sdk/test/api-types/api-types.test.ts fails when this file and the protocol's schemas disagree.

export interface User {
  id: number;
  username: string;
  email: string;
}

export interface TokenPair {
  /** Access token (JWT), sent as `Authorization: Bearer <access>`. */
  access: string;
  /** Refresh token (JWT); rotated on every refresh. */
  refresh: string;
}

export interface RegisterParams {
  /** 3 to 150 characters. */
  username: string;
  /** At most 254 characters. Format: email. */
  email: string;
  /** 8 to 1024 characters. */
  password: string;
}

export interface LoginParams {
  /** 1 to 150 characters. */
  username: string;
  /** 1 to 1024 characters. */
  password: string;
}

export interface DeleteAccountParams {
  /** The account's password, again. 1 to 1024 characters. */
  password: string;
}

export interface ApiKey {
  id: number;
  name: string;
  /** The key's first characters, to recognise it by. */
  prefix: string;
  /** Format: date-time. */
  created_at: string;
  expires_at: string | null;
  /** Updated at most once a minute. */
  last_used_at: string | null;
}

export interface NewApiKey {
  id: number;
  name: string;
  /** The key's first characters, to recognise it by. */
  prefix: string;
  /** Format: date-time. */
  created_at: string;
  expires_at: string | null;
  /** Updated at most once a minute. */
  last_used_at: string | null;
  /** The key, `ps_` and 64 hex digits. Shown only in this answer: only its hash is stored. */
  key: string;
}

export interface ApiKeyList {
  /** Newest first. */
  results: ApiKey[];
}

export interface CreateApiKeyBody {
  /** What the key is for, to tell keys apart; surrounding whitespace is trimmed. 1 to 100 characters. */
  name: string;
  /** How long the key works: a duration such as `30d`, `12h` or a number of seconds. Without it the key does not expire. At most 32 characters. */
  expires_in?: string;
}

export interface Prompt {
  id: number;
  prompt: string;
  response: string;
  /** Format: date-time. */
  created_at: string;
  /** The caller's earlier prompt whose answer this one reused; null when the model answered. */
  reused_from: number | null;
}

export interface PromptPage {
  results: Prompt[];
  /** Cursor of the next page; null on the last. */
  next: string | null;
}

export interface CreatePromptParams {
  /** The prompt; surrounding whitespace is trimmed, then 1 to PROMPT_MAX_LENGTH (8000) characters. */
  prompt: string;
  /** Also push the answer to the caller's WebSocket connections. Defaults to false. */
  websocket?: boolean;
  /** Answer with `200 text/event-stream` instead of `201` JSON: the answer's events as the model writes them (`prompt.start`, then `prompt.delta`…), ending with `prompt.message` (the stored prompt) or `prompt.error`. Defaults to false. */
  stream?: boolean;
  /** When the server reuses answers (ANSWER_REUSE_MIN_SCORE), whether this prompt may be answered with the caller's earlier answer to the same question; false always asks the model. Defaults to true. */
  reuse?: boolean;
}

export interface ListPromptsParams {
  /** 1 to 100. Defaults to 20. */
  limit?: number;
  /** The `next` value of the previous page. At most 200 characters. */
  cursor?: string;
}

export interface SimilarQuery {
  /** Text to find similar prompts to. 1 to 2000 characters. */
  q: string;
  /** How many results, at most. 1 to 50. Defaults to 5. */
  k?: number;
  /** Leave out results scoring below this (0..1). 0 to 1. */
  min_score?: number;
}

export interface SimilarPrompt {
  id: number;
  prompt: string;
  response: string;
  /** Format: date-time. */
  created_at: string;
  /** The caller's earlier prompt whose answer this one reused; null when the model answered. */
  reused_from: number | null;
  /** Similarity in [0, 1], higher is closer: mostly the cosine similarity of the sentence embeddings (negatives count as 0), blended with the share of the query's words found in the prompt. 0 to 1. */
  score: number;
}

export interface SimilarResponse {
  query: string;
  /** The caller's own prompts, best first. */
  results: SimilarPrompt[];
}

export interface ExportLine {
  id?: number;
  /** At least 1 characters. */
  prompt: string;
  response: string;
  /** Format: date-time. */
  created_at: string;
  reused_from?: number | null;
  /** 1 to 200 characters. */
  model?: string;
  messages?: Array<{
    role: "system" | "user" | "assistant";
    content: string;
  }> | null;
  usage?: {
    /** 0 to 2147483647. */
    prompt_tokens: number;
    /** 0 to 2147483647. */
    completion_tokens: number;
    /** Counted by the server's tokenizer: the provider reported none. */
    estimated: boolean;
  };
}

export interface ImportResult {
  /** Prompts stored. */
  imported: number;
  /** Lines the caller already had. */
  skipped: number;
}

export interface UsageQuery {
  /** How many UTC days back, today included. 1 to 366. Defaults to 30. */
  days?: number;
}

export interface UsageReport {
  /** Days with activity, newest first. */
  days: Array<{
    /** UTC day. Format: date. */
    date: string;
    /** Prompts stored. */
    prompts: number;
    /** Prompts the model answered. */
    model_calls: number;
    /** Prompts answered with an earlier answer: calls saved. */
    reused: number;
    prompt_tokens: number;
    completion_tokens: number;
  }>;
  /** The sum of `days`. */
  total: {
    /** Prompts stored. */
    prompts: number;
    /** Prompts the model answered. */
    model_calls: number;
    /** Prompts answered with an earlier answer: calls saved. */
    reused: number;
    prompt_tokens: number;
    completion_tokens: number;
  };
  /** Null when the server sets no budget. */
  budget: {
    /** Tokens per window (USER_TOKEN_BUDGET). */
    limit: number;
    /** Tokens spent in the current window. */
    used: number;
    /** Start of the next UTC day or month. Format: date-time. */
    resets_at: string;
  } | null;
}

/** Every error response has this shape. */
export interface ErrorBody {
  /** Human-readable explanation. */
  detail: string;
  /** Machine-readable error code. */
  code:
    | "parse_error"
    | "invalid"
    | "not_authenticated"
    | "token_not_valid"
    | "no_active_account"
    | "authentication_failed"
    | "permission_denied"
    | "not_found"
    | "method_not_allowed"
    | "request_timeout"
    | "idempotency_key_in_flight"
    | "payload_too_large"
    | "uri_too_long"
    | "unsupported_media_type"
    | "idempotency_key_reused"
    | "upgrade_required"
    | "throttled"
    | "quota_exceeded"
    | "headers_too_large"
    | "internal_error"
    | "llm_error"
    | "embedding_error"
    | "service_unavailable"
    | "llm_timeout"
    | "embedding_timeout";
  /** Validation messages per field (validation errors only). */
  fields?: Record<string, string[]>;
}

/** A prompt whose answer has begun: its text, under the id it will be stored with, and when the server took it. */
export interface PromptStart {
  id: number;
  prompt: string;
  /** Format: date-time. */
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

/** A prompt that its user deleted: gone from history and search. */
export interface PromptDeletion {
  id: number;
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

export interface PromptCompletedEvent {
  type: "prompt.message";
  event: "prompt_completed";
  data: Prompt;
}

export interface PromptFailedEvent {
  type: "prompt.error";
  event: "prompt_failed";
  data: PromptFailure;
}

export interface PromptDeletedEvent {
  type: "prompt.message";
  event: "prompt_deleted";
  data: PromptDeletion;
}

/** What a user's sockets receive, and what the SDK's event stream yields. */
export type PromptEvent =
  | PromptStartedEvent
  | PromptDeltaEvent
  | PromptCompletedEvent
  | PromptFailedEvent
  | PromptDeletedEvent;
