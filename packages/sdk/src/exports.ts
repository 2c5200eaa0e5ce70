/** Everything the package exports but PromptClient, which each entry point (./index.ts, ./browser.ts) makes. */

export type { AccessTokenProvider, TokenStore } from "./auth/token-manager.js";
export { type ClientOptions, DEFAULT_BASE_URL } from "./client.js";
export type { APIPromise, ResponseInfo, WithResponse } from "./core/api-promise.js";
export type { Fetch, FetchInit, FetchResponse, RequestOptions } from "./core/http.js";
export type { CursorList, CursorPage } from "./core/pagination.js";
export {
  AbortError,
  APIError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  type ErrorCode,
  type FieldErrors,
  type HeaderReader,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  PromptFailedError,
  PromptServiceError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from "./errors.js";
export type {
  ApiKey,
  ApiKeyList,
  CreatePromptParams,
  DeleteAccountParams,
  ErrorBody,
  ExportLine,
  ListPromptsParams,
  LoginParams,
  NewApiKey,
  Prompt,
  PromptCompletedEvent,
  PromptDeletedEvent,
  PromptDeletion,
  PromptDelta,
  PromptDeltaEvent,
  PromptEvent,
  PromptFailedEvent,
  PromptFailure,
  PromptPage,
  PromptStart,
  PromptStartedEvent,
  RegisterParams,
  SimilarPrompt,
  SimilarQuery,
  SimilarResponse,
  TokenPair,
  UsageQuery,
  UsageReport,
  User,
} from "./generated/api.js";
export type {
  EventStream,
  EventStreamListeners,
  EventStreamOptions,
  ReconnectInfo,
  ReconnectOptions,
} from "./realtime/event-stream.js";
export type { StandardWebSocket, StandardWebSocketConstructor } from "./realtime/sockets/index.js";
export type { Auth } from "./resources/auth.js";
export type { CreateApiKeyParams, Keys } from "./resources/keys.js";
export type { ImportLine, ImportOptions, ImportResult } from "./resources/prompt-import.js";
export type { PromptStream } from "./resources/prompt-stream.js";
export type { CreatePromptOptions, Prompts, SimilarParams } from "./resources/prompts.js";
export type { Usage } from "./resources/usage.js";
export { VERSION } from "./version.js";
