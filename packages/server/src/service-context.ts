import type { onRequestAsyncHookHandler } from "fastify";
import type { AccountDeletions } from "./auth/account-deletions.js";
import type { ApiKeyAuth } from "./auth/api-keys/api-key-auth.js";
import type { Credentials } from "./auth/authenticate.js";
import type { SessionRevocations } from "./auth/session-revocations.js";
import type { TokenService } from "./auth/tokens.js";
import type { ResolvedOptions } from "./config.js";
import type { LlmProvider } from "./llm/port.js";
import type { Metrics } from "./observability/metrics.js";
import type { IdempotentRequests } from "./prompts/idempotency.js";
import type { AnswerReuse } from "./prompts/reuse/answer-reuse.js";
import type { ServiceLimiters } from "./ratelimit/service-limiters.js";
import type { EventHub } from "./realtime/hub/index.js";
import type { SimilarityService } from "./similarity/similarity-service.js";
import type { Storage } from "./storage/index.js";
import type { TokenBudget } from "./usage/token-budget.js";

/** What the route plugins share, handed to them explicitly rather than through decorators. */
export interface ServiceContext {
  config: ResolvedOptions;
  storage: Storage;
  llm: LlmProvider;
  /** Delivers events to the sockets of a user on every instance. */
  hub: EventHub;
  tokens: TokenService;
  /** Sessions that have ended: their access tokens are refused and their sockets closed. */
  revocations: SessionRevocations;
  /** Verifies access tokens and API keys alike, wherever a route or socket receives one. */
  credentials: Credentials;
  /** Accounts deleted here or on another instance: their credentials are refused and their sockets closed. */
  deletions: AccountDeletions;
  /** API keys: verified, remembered, and forgotten when revoked on any instance. */
  apiKeys: ApiKeyAuth;
  /** ANSWER_REUSE_MIN_SCORE: the user's earlier answer to the same question; undefined when reuse is off. */
  reuse: AnswerReuse | undefined;
  /** Idempotency-Key on every route that stores a prompt: one set of leases, renewed by one timer. */
  idempotency: IdempotentRequests;
  /** USER_TOKEN_BUDGET: refuses a user's calls once their tokens of the day or month are spent. */
  budget: TokenBudget;
  /** Embeds prompts as they are stored and finds a user's similar ones. */
  similarity: SimilarityService;
  /** Prometheus metrics of this app. */
  metrics: Metrics;
  /** Throttles, shared by every instance when Redis is configured. */
  limiters: ServiceLimiters;
  /** onRequest hook that requires a valid access token or API key. */
  authenticate: onRequestAsyncHookHandler;
}
