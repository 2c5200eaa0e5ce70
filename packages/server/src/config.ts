import { resolve } from "node:path";
import bytes from "bytes";
import envSchema from "env-schema";
import ms from "ms";
import { type Static, Type } from "typebox";
import { looksGuessable } from "./auth/secret-strength.js";
import { ConfigError } from "./errors.js";
import { parseRateLimits, type RateLimitRule } from "./ratelimit/rules.js";
import type { QueueLimit } from "./similarity/embeddings/fair-scheduler.js";
import { parseEmbeddingsSpec } from "./similarity/embeddings/spec.js";
import { defaultEmbeddingThreads } from "./similarity/embeddings/worker-pool.js";
import type { VectorIndexKind } from "./similarity/vector-index/index.js";

/** Options of the plugin; `prompt serve` flags and environment variables map onto the same names. */
export interface PromptServiceOptions {
  /** The embedded database, downloaded models and the development JWT secret live here. */
  dataDir?: string;
  /** `postgres://…`; unset means embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** `redis://…` for cross-instance event fan-out and shared rate limits; unset means in-process. */
  redisUrl?: string;
  /** Namespace of every Redis key and channel, so that several deployments can share one Redis. */
  redisPrefix?: string;
  /** HS256 key, at least 32 characters. Required when `production` is true. */
  jwtSecret?: string;
  /** A duration such as "5m", or a number of seconds. */
  accessTokenTtl?: string | number;
  refreshTokenTtl?: string | number;
  /**
   * How long a used refresh token may be presented again without counting as theft (a retried request, two tabs);
   * each time it gets a working successor. After it, presenting the token again ends the session.
   */
  refreshReuseGrace?: string | number;
  openaiApiKey?: string;
  openaiBaseUrl?: string;
  openaiModel?: string;
  /** Bound on one LLM answer, retries included. */
  llmTimeout?: string | number;
  /**
   * Without a provider key: the pause between the mock model's streamed pieces, e.g. "200ms", to watch answers
   * arrive piece by piece in a UI or the CLI. Default 0.
   */
  mockLlmDelay?: string | number;
  /** Longest prompt accepted, in characters after trimming. */
  promptMaxLength?: number;
  /**
   * Web pages allowed to call the API from another origin (browsers apply CORS), e.g. "https://app.example.com", or
   * "*" for any; several separated by commas. Unset: no cross-origin access.
   */
  corsOrigins?: string | readonly string[];
  /** Refuse to invent a JWT secret. Defaults to NODE_ENV === "production". */
  production?: boolean;
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** Sentence embeddings: "bundled" (offline, the default), "transformers:<model id or path>" or "openai:<model>". */
  embeddings?: string;
  /** Worker threads that run a local embedding model. Default: cores − 1, at least 1. */
  embeddingThreads?: number;
  /**
   * Texts that may wait for the embedding model, "<total>" or "<total>,<per user>" (default "256,32"); past either a
   * search answers 503 with Retry-After. A user with nothing waiting is let in past the total, up to twice it.
   */
  embeddingQueueLimit?: string;
  /** "faiss", "exact", or "auto" (faiss when faiss-node loads). */
  vectorIndex?: VectorIndexKind;
  /**
   * Memory for the similarity indexes of the users searched lately, e.g. "256MB" (units of 1024) or a number of
   * bytes; past it the least recently searched users' indexes are dropped, to be loaded again from the database.
   */
  indexMemoryBudget?: string | number;
  /**
   * Answer a prompt with the same user's earlier answer when the earlier prompt scores at least this much (0 to 1)
   * in the similarity search and asks the same question (see prompts/reuse). Unset: every prompt asks the model.
   */
  answerReuseMinScore?: number;
  /** Throttle of POST /api/prompts per user, e.g. "1/s,10/min". */
  promptRateLimits?: string;
  /** Throttle of similarity searches per user: each runs the embedding model. */
  searchRateLimits?: string;
  /** Throttle of registrations per client address: unlimited accounts would defeat every per-user limit. */
  registerRateLimits?: string;
  /** Throttle of token refreshes and logouts per client address. */
  refreshRateLimits?: string;
  /** Throttle of login attempts per username and client address, against password guessing. */
  loginRateLimits?: string;
  /** Throttle of login attempts per client address. */
  loginAddressRateLimits?: string;
  /** While Redis is unreachable: "open" lets requests through (the default), "closed" refuses them. */
  rateLimitFailMode?: "open" | "closed";
  /** Open WebSockets per user on one instance; one more is closed with code 4429. */
  wsMaxSocketsPerUser?: number;
  /** Open WebSockets per client address on one instance, whatever the accounts. */
  wsMaxSocketsPerAddress?: number;
  /** Open WebSockets on one instance in all. */
  wsMaxSockets?: number;
  /** Messages a client may send on one socket in any second; one more closes it with 4429. */
  wsMaxMessagesPerSecond?: number;
  /** How often sockets are pinged; one that misses a ping is dropped at the next. */
  wsHeartbeatInterval?: string | number;
  /** Bytes waiting to be sent to one socket before it is dropped as too slow (code 4408). */
  wsMaxBufferedBytes?: number;
}

/** Options with defaults applied and durations in seconds (tokens) or milliseconds (timeouts). */
export interface ResolvedOptions {
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceMs: number;
  openaiApiKey: string | undefined;
  openaiBaseUrl: string | undefined;
  openaiModel: string | undefined;
  llmTimeoutMs: number;
  mockLlmDelayMs: number;
  promptMaxLength: number;
  production: boolean;
  corsOrigins: string[];
  metricsToken: string | undefined;
  embeddings: string;
  embeddingThreads: number;
  embeddingQueueLimit: QueueLimit;
  vectorIndex: VectorIndexKind;
  indexMemoryBudgetBytes: number;
  answerReuseMinScore: number | undefined;
  promptRateLimits: RateLimitRule[];
  searchRateLimits: RateLimitRule[];
  registerRateLimits: RateLimitRule[];
  refreshRateLimits: RateLimitRule[];
  loginRateLimits: RateLimitRule[];
  loginAddressRateLimits: RateLimitRule[];
  rateLimitFailMode: "open" | "closed";
  wsMaxSocketsPerUser: number;
  wsMaxSocketsPerAddress: number;
  wsMaxSockets: number;
  wsMaxMessagesPerSecond: number;
  wsHeartbeatIntervalMs: number;
  wsMaxBufferedBytes: number;
}

export const DEFAULTS = {
  port: 8000,
  host: "127.0.0.1",
  dataDir: "./.prompt-service",
  accessTokenTtl: "5m",
  refreshTokenTtl: "1d",
  refreshReuseGrace: "30s",
  llmTimeout: "30s",
  mockLlmDelay: "0ms",
  promptMaxLength: 8000,
  bodyLimit: 256 * 1024,
  redisPrefix: "prompt-service:",
  embeddings: "bundled",
  embeddingQueueLimit: "256,32",
  vectorIndex: "auto",
  indexMemoryBudget: "256MB",
  promptRateLimits: "1/s,10/min",
  searchRateLimits: "2/s,60/min",
  registerRateLimits: "10/h,50/d",
  refreshRateLimits: "30/min,300/h",
  loginRateLimits: "10/min,50/h",
  loginAddressRateLimits: "30/min,300/h",
  rateLimitFailMode: "open",
  wsMaxSocketsPerUser: 10,
  wsMaxSocketsPerAddress: 500,
  wsMaxSockets: 20_000,
  wsMaxMessagesPerSecond: 20,
  wsHeartbeatInterval: "30s",
  wsMaxBufferedBytes: 1024 * 1024,
  logLevel: "info",
} as const;

const MIN_SECRET_LENGTH = 32;
/** NODE_ENV as people write it: "production", "Production" and " PRODUCTION" alike. */
export const isProduction = (nodeEnv: string | undefined): boolean =>
  nodeEnv?.trim().toLowerCase() === "production";

/** "5m", "1d", "90s" (via `ms`) or a bare number of seconds; zero only where `allowZero` says a pause may be none. */
export function parseDurationMs(value: string | number, name: string, { allowZero = false } = {}): number {
  const milliseconds =
    typeof value === "number" || /^\d+$/.test(value.trim())
      ? Number(value) * 1000
      : ms(value.trim() as ms.StringValue);
  if (
    milliseconds === undefined ||
    !Number.isFinite(milliseconds) ||
    milliseconds < 0 ||
    (milliseconds === 0 && !allowZero)
  ) {
    throw new ConfigError(
      name,
      `must be a positive duration such as "5m", "1d" or "300" (seconds), got "${value}"`,
    );
  }
  return milliseconds;
}

/** The settings that are throttle rules, such as "1/s,10/min". */
type RateLimitSetting =
  | "promptRateLimits"
  | "searchRateLimits"
  | "registerRateLimits"
  | "refreshRateLimits"
  | "loginRateLimits"
  | "loginAddressRateLimits";

export function resolveOptions(options: PromptServiceOptions = {}): ResolvedOptions {
  const production = options.production ?? isProduction(process.env.NODE_ENV);
  if (options.jwtSecret !== undefined && options.jwtSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError("jwtSecret", `must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
  if (production && !options.jwtSecret) {
    throw new ConfigError("jwtSecret", "is required in production");
  }
  if (production && options.jwtSecret && looksGuessable(options.jwtSecret)) {
    throw new ConfigError(
      "jwtSecret",
      "looks guessable (too few distinct characters, or too little randomness); make one with openssl rand -hex 32",
    );
  }
  if (options.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
    throw new ConfigError("databaseUrl", "must be a postgres:// or postgresql:// URL");
  }
  if (options.redisUrl !== undefined && !/^rediss?:\/\//.test(options.redisUrl)) {
    throw new ConfigError("redisUrl", "must be a redis:// or rediss:// URL");
  }
  const rules = (name: RateLimitSetting) => parseRateLimits(options[name] ?? DEFAULTS[name], name);
  const promptMaxLength = positiveInteger(
    options.promptMaxLength ?? DEFAULTS.promptMaxLength,
    "promptMaxLength",
  );
  return {
    dataDir: resolve(options.dataDir ?? DEFAULTS.dataDir),
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    redisPrefix: options.redisPrefix ?? DEFAULTS.redisPrefix,
    jwtSecret: options.jwtSecret,
    accessTokenTtlSeconds:
      parseDurationMs(options.accessTokenTtl ?? DEFAULTS.accessTokenTtl, "accessTokenTtl") / 1000,
    refreshTokenTtlSeconds:
      parseDurationMs(options.refreshTokenTtl ?? DEFAULTS.refreshTokenTtl, "refreshTokenTtl") / 1000,
    refreshReuseGraceMs: parseDurationMs(
      options.refreshReuseGrace ?? DEFAULTS.refreshReuseGrace,
      "refreshReuseGrace",
    ),
    openaiApiKey: options.openaiApiKey || undefined,
    openaiBaseUrl: options.openaiBaseUrl,
    openaiModel: options.openaiModel,
    llmTimeoutMs: parseDurationMs(options.llmTimeout ?? DEFAULTS.llmTimeout, "llmTimeout"),
    mockLlmDelayMs: parseDurationMs(options.mockLlmDelay ?? DEFAULTS.mockLlmDelay, "mockLlmDelay", {
      allowZero: true,
    }),
    promptMaxLength,
    production,
    corsOrigins: corsOrigins(options.corsOrigins ?? []),
    metricsToken: options.metricsToken || undefined,
    embeddings: embeddingsSpec(options.embeddings ?? DEFAULTS.embeddings),
    embeddingThreads: positiveInteger(
      options.embeddingThreads ?? defaultEmbeddingThreads(),
      "embeddingThreads",
    ),
    embeddingQueueLimit: queueLimit(options.embeddingQueueLimit ?? DEFAULTS.embeddingQueueLimit),
    vectorIndex: vectorIndexKind(options.vectorIndex ?? DEFAULTS.vectorIndex),
    indexMemoryBudgetBytes: byteSize(
      options.indexMemoryBudget ?? DEFAULTS.indexMemoryBudget,
      "indexMemoryBudget",
    ),
    answerReuseMinScore:
      options.answerReuseMinScore === undefined
        ? undefined
        : score(options.answerReuseMinScore, "answerReuseMinScore"),
    promptRateLimits: rules("promptRateLimits"),
    searchRateLimits: rules("searchRateLimits"),
    registerRateLimits: rules("registerRateLimits"),
    refreshRateLimits: rules("refreshRateLimits"),
    loginRateLimits: rules("loginRateLimits"),
    loginAddressRateLimits: rules("loginAddressRateLimits"),
    rateLimitFailMode: failMode(options.rateLimitFailMode ?? DEFAULTS.rateLimitFailMode),
    wsMaxSocketsPerUser: positiveInteger(
      options.wsMaxSocketsPerUser ?? DEFAULTS.wsMaxSocketsPerUser,
      "wsMaxSocketsPerUser",
    ),
    wsMaxSocketsPerAddress: positiveInteger(
      options.wsMaxSocketsPerAddress ?? DEFAULTS.wsMaxSocketsPerAddress,
      "wsMaxSocketsPerAddress",
    ),
    wsMaxSockets: positiveInteger(options.wsMaxSockets ?? DEFAULTS.wsMaxSockets, "wsMaxSockets"),
    wsMaxMessagesPerSecond: positiveInteger(
      options.wsMaxMessagesPerSecond ?? DEFAULTS.wsMaxMessagesPerSecond,
      "wsMaxMessagesPerSecond",
    ),
    wsHeartbeatIntervalMs: parseDurationMs(
      options.wsHeartbeatInterval ?? DEFAULTS.wsHeartbeatInterval,
      "wsHeartbeatInterval",
    ),
    wsMaxBufferedBytes: positiveInteger(
      options.wsMaxBufferedBytes ?? DEFAULTS.wsMaxBufferedBytes,
      "wsMaxBufferedBytes",
    ),
  };
}

function embeddingsSpec(value: string): string {
  parseEmbeddingsSpec(value); // throws a ConfigError naming EMBEDDINGS
  return value.trim();
}

/** "<total>" or "<total>,<per user>"; the per-user bound defaults to an eighth of the total, and never exceeds it. */
function queueLimit(value: string): QueueLimit {
  const match = /^\s*(\d+)\s*(?:,\s*(\d+)\s*)?$/.exec(value);
  const total = Number(match?.[1]);
  const perOwner = match?.[2] === undefined ? Math.max(1, Math.floor(total / 8)) : Number(match[2]);
  if (!match || total < 1 || perOwner < 1 || perOwner > total) {
    throw new ConfigError(
      "embeddingQueueLimit",
      `must be "<total>" or "<total>,<per user>" with 1 ≤ per user ≤ total, got "${value}"`,
    );
  }
  return { total, perOwner };
}

function vectorIndexKind(value: string): VectorIndexKind {
  if (value !== "faiss" && value !== "exact" && value !== "auto") {
    throw new ConfigError("vectorIndex", 'must be "faiss", "exact" or "auto"');
  }
  return value;
}

/** A number of bytes, or a size such as "256MB" or "1.5gb" (b, kb, mb, gb, tb; units of 1024). */
function byteSize(value: string | number, name: string): number {
  // bytes.parse reads "1GiB" as 1: only the forms it understands are let through.
  const parsed =
    typeof value === "number" || /^\s*\d+(\.\d+)?\s*(b|kb|mb|gb|tb)?\s*$/i.test(value)
      ? bytes.parse(value)
      : null;
  if (parsed === null || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new ConfigError(name, `must be a number of bytes or a size such as "256MB", got "${value}"`);
  }
  return parsed;
}

function score(value: number, name: string): number {
  if (!(value > 0 && value <= 1))
    throw new ConfigError(name, `must be a score above 0 and at most 1, got ${value}`);
  return value;
}

/** Origins as browsers send them: scheme, host and port, no path; or "*" alone. */
function corsOrigins(value: string | readonly string[]): string[] {
  const origins = (typeof value === "string" ? value.split(",") : [...value])
    .map((origin) => origin.trim())
    .filter(Boolean);
  const bad = origins.find((origin) => origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin));
  if (bad !== undefined || (origins.includes("*") && origins.length > 1)) {
    throw new ConfigError(
      "corsOrigins",
      `must be origins such as "https://app.example.com" (scheme, host and port, no path) separated by commas, or "*" alone; got "${bad ?? origins.join(",")}"`,
    );
  }
  return origins;
}

function failMode(value: string): "open" | "closed" {
  if (value !== "open" && value !== "closed")
    throw new ConfigError("rateLimitFailMode", 'must be "open" or "closed"');
  return value;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(name, "must be a positive integer");
  return value;
}

const Duration = Type.String({ pattern: "^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d|w|[a-z]+)?\\s*$" });

/** The environment the standalone server reads; the DESIGN.md configuration table. */
const EnvironmentSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: DEFAULTS.port }),
  HOST: Type.String({ minLength: 1, default: DEFAULTS.host }),
  NODE_ENV: Type.Optional(Type.String()),
  DATA_DIR: Type.String({ minLength: 1, default: DEFAULTS.dataDir }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  REDIS_PREFIX: Type.String({ default: DEFAULTS.redisPrefix }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: MIN_SECRET_LENGTH })),
  ACCESS_TOKEN_TTL: Type.String({ ...Duration, default: DEFAULTS.accessTokenTtl }),
  REFRESH_TOKEN_TTL: Type.String({ ...Duration, default: DEFAULTS.refreshTokenTtl }),
  REFRESH_REUSE_GRACE: Type.String({ ...Duration, default: DEFAULTS.refreshReuseGrace }),
  OPENAI_API_KEY: Type.Optional(Type.String()),
  OPENAI_BASE_URL: Type.Optional(Type.String({ pattern: "^https?://" })),
  OPENAI_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  METRICS_TOKEN: Type.Optional(Type.String()),
  CORS_ORIGINS: Type.Optional(Type.String()),
  EMBEDDINGS: Type.String({ minLength: 1, default: DEFAULTS.embeddings }),
  EMBEDDING_THREADS: Type.Optional(Type.Integer({ minimum: 1 })),
  EMBEDDING_QUEUE_LIMIT: Type.String({ minLength: 1, default: DEFAULTS.embeddingQueueLimit }),
  VECTOR_INDEX: Type.Union([Type.Literal("faiss"), Type.Literal("exact"), Type.Literal("auto")], {
    default: DEFAULTS.vectorIndex,
  }),
  INDEX_MEMORY_BUDGET: Type.String({ minLength: 1, default: DEFAULTS.indexMemoryBudget }),
  ANSWER_REUSE_MIN_SCORE: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  PROMPT_RATE_LIMITS: Type.String({ minLength: 1, default: DEFAULTS.promptRateLimits }),
  SEARCH_RATE_LIMITS: Type.String({ minLength: 1, default: DEFAULTS.searchRateLimits }),
  REGISTER_RATE_LIMITS: Type.String({ minLength: 1, default: DEFAULTS.registerRateLimits }),
  REFRESH_RATE_LIMITS: Type.String({ minLength: 1, default: DEFAULTS.refreshRateLimits }),
  LOGIN_RATE_LIMITS: Type.String({ minLength: 1, default: DEFAULTS.loginRateLimits }),
  LOGIN_ADDRESS_RATE_LIMITS: Type.String({ minLength: 1, default: DEFAULTS.loginAddressRateLimits }),
  RATE_LIMIT_FAIL_MODE: Type.Union([Type.Literal("open"), Type.Literal("closed")], {
    default: DEFAULTS.rateLimitFailMode,
  }),
  LLM_TIMEOUT: Type.String({ ...Duration, default: DEFAULTS.llmTimeout }),
  MOCK_LLM_DELAY: Type.String({ ...Duration, default: DEFAULTS.mockLlmDelay }),
  PROMPT_MAX_LENGTH: Type.Integer({ minimum: 1, default: DEFAULTS.promptMaxLength }),
  WS_MAX_SOCKETS_PER_USER: Type.Integer({ minimum: 1, default: DEFAULTS.wsMaxSocketsPerUser }),
  WS_MAX_SOCKETS_PER_ADDRESS: Type.Integer({ minimum: 1, default: DEFAULTS.wsMaxSocketsPerAddress }),
  WS_MAX_SOCKETS: Type.Integer({ minimum: 1, default: DEFAULTS.wsMaxSockets }),
  WS_MAX_MESSAGES_PER_SECOND: Type.Integer({ minimum: 1, default: DEFAULTS.wsMaxMessagesPerSecond }),
  WS_HEARTBEAT_INTERVAL: Type.String({ ...Duration, default: DEFAULTS.wsHeartbeatInterval }),
  WS_MAX_BUFFERED_BYTES: Type.Integer({ minimum: 1024, default: DEFAULTS.wsMaxBufferedBytes }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, default: DEFAULTS.bodyLimit }),
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((level) => Type.Literal(level)),
    { default: DEFAULTS.logLevel },
  ),
});

type Environment = Static<typeof EnvironmentSchema>;

/** Everything the standalone server needs: where to listen, how to log, and the plugin's options. */
export interface StandaloneConfig {
  port: number;
  host: string;
  logLevel: string;
  bodyLimit: number;
  /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe for the client address (login throttle, logs). */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean) | undefined;
  options: PromptServiceOptions;
}

const ENV_NAME_OF_OPTION: Record<string, string> = {
  jwtSecret: "JWT_SECRET",
  databaseUrl: "DATABASE_URL",
  redisUrl: "REDIS_URL",
  vectorIndex: "VECTOR_INDEX",
  indexMemoryBudget: "INDEX_MEMORY_BUDGET",
  corsOrigins: "CORS_ORIGINS",
  answerReuseMinScore: "ANSWER_REUSE_MIN_SCORE",
  embeddingThreads: "EMBEDDING_THREADS",
  embeddingQueueLimit: "EMBEDDING_QUEUE_LIMIT",
  promptRateLimits: "PROMPT_RATE_LIMITS",
  searchRateLimits: "SEARCH_RATE_LIMITS",
  registerRateLimits: "REGISTER_RATE_LIMITS",
  refreshRateLimits: "REFRESH_RATE_LIMITS",
  loginRateLimits: "LOGIN_RATE_LIMITS",
  loginAddressRateLimits: "LOGIN_ADDRESS_RATE_LIMITS",
  wsHeartbeatInterval: "WS_HEARTBEAT_INTERVAL",
  accessTokenTtl: "ACCESS_TOKEN_TTL",
  refreshTokenTtl: "REFRESH_TOKEN_TTL",
  refreshReuseGrace: "REFRESH_REUSE_GRACE",
  llmTimeout: "LLM_TIMEOUT",
  mockLlmDelay: "MOCK_LLM_DELAY",
  promptMaxLength: "PROMPT_MAX_LENGTH",
};

/**
 * Reads and validates the environment. Throws ConfigError naming the variable, so that a bad value stops the
 * server at start rather than at the first request that needs it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  // Empty strings mean "unset" in shells and compose files (`OPENAI_API_KEY=`).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  let parsed: Environment;
  try {
    parsed = envSchema<Environment>({ schema: EnvironmentSchema, data: present, dotenv: false });
  } catch (error) {
    throw environmentError(error);
  }
  const options: PromptServiceOptions = {
    dataDir: parsed.DATA_DIR,
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    redisPrefix: parsed.REDIS_PREFIX,
    jwtSecret: parsed.JWT_SECRET,
    accessTokenTtl: parsed.ACCESS_TOKEN_TTL,
    refreshTokenTtl: parsed.REFRESH_TOKEN_TTL,
    refreshReuseGrace: parsed.REFRESH_REUSE_GRACE,
    openaiApiKey: parsed.OPENAI_API_KEY,
    openaiBaseUrl: parsed.OPENAI_BASE_URL,
    openaiModel: parsed.OPENAI_MODEL,
    llmTimeout: parsed.LLM_TIMEOUT,
    mockLlmDelay: parsed.MOCK_LLM_DELAY,
    promptMaxLength: parsed.PROMPT_MAX_LENGTH,
    production: isProduction(parsed.NODE_ENV),
    metricsToken: parsed.METRICS_TOKEN,
    corsOrigins: parsed.CORS_ORIGINS,
    embeddings: parsed.EMBEDDINGS,
    embeddingThreads: parsed.EMBEDDING_THREADS,
    embeddingQueueLimit: parsed.EMBEDDING_QUEUE_LIMIT,
    vectorIndex: parsed.VECTOR_INDEX,
    indexMemoryBudget: parsed.INDEX_MEMORY_BUDGET,
    answerReuseMinScore: parsed.ANSWER_REUSE_MIN_SCORE,
    promptRateLimits: parsed.PROMPT_RATE_LIMITS,
    searchRateLimits: parsed.SEARCH_RATE_LIMITS,
    registerRateLimits: parsed.REGISTER_RATE_LIMITS,
    refreshRateLimits: parsed.REFRESH_RATE_LIMITS,
    loginRateLimits: parsed.LOGIN_RATE_LIMITS,
    loginAddressRateLimits: parsed.LOGIN_ADDRESS_RATE_LIMITS,
    rateLimitFailMode: parsed.RATE_LIMIT_FAIL_MODE,
    wsMaxSocketsPerUser: parsed.WS_MAX_SOCKETS_PER_USER,
    wsMaxSocketsPerAddress: parsed.WS_MAX_SOCKETS_PER_ADDRESS,
    wsMaxSockets: parsed.WS_MAX_SOCKETS,
    wsMaxMessagesPerSecond: parsed.WS_MAX_MESSAGES_PER_SECOND,
    wsHeartbeatInterval: parsed.WS_HEARTBEAT_INTERVAL,
    wsMaxBufferedBytes: parsed.WS_MAX_BUFFERED_BYTES,
  };
  try {
    resolveOptions(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(ENV_NAME_OF_OPTION[error.variable] ?? error.variable, error.reason);
    }
    throw error;
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.LOG_LEVEL,
    bodyLimit: parsed.BODY_LIMIT,
    trustProxy: parseTrustProxy(parsed.TRUST_PROXY),
    options,
  };
}

/**
 * TRUST_PROXY: a number of hops (the proxies in front of the server, each appending the address it saw to
 * X-Forwarded-For), or a comma-separated list of proxy addresses or CIDR ranges (e.g. the load balancer's subnet).
 * "true" means one hop, the common single balancer: trusting every hop would take the leftmost X-Forwarded-For
 * entry, which the client writes itself, and let anyone pick the address the per-address throttles count.
 * Unset: the socket's address is the client's.
 */
export function parseTrustProxy(value: string | undefined): StandaloneConfig["trustProxy"] {
  if (value === undefined || value === "false") return undefined;
  const hops = value === "true" ? 1 : /^\d+$/.test(value) ? Number(value) : undefined;
  if (hops !== undefined) return (_address, hop) => hop < hops;
  const addresses = value.split(",").map((entry) => entry.trim());
  if (addresses.some((entry) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry))) {
    throw new ConfigError(
      "TRUST_PROXY",
      'must be a number of hops ("true" is one), or addresses/CIDR ranges separated by commas',
    );
  }
  return addresses;
}

/** Turns env-schema's Ajv error ("env/PORT must be <= 65535") into one that names the variable. */
function environmentError(error: unknown): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  const match = /env\/(\w+) (.*)/.exec(message) ?? /must have required property '(\w+)'/.exec(message);
  if (match?.[1]) return new ConfigError(match[1], match[2] ?? "is required");
  return new ConfigError("environment", message);
}
