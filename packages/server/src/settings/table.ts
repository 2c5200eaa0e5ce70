import { ConfigError } from "../errors.js";
import { defaultEmbeddingMaxThreads, defaultEmbeddingThreads } from "../similarity/embeddings/spec.js";
import {
  duration,
  embeddingsSpec,
  integer,
  isProduction,
  oneOf,
  origins,
  path,
  productionFlag,
  queueLimit,
  rateLimits,
  score,
  size,
  text,
  tokenBudget,
  trustProxy,
  url,
  type ValueKind,
} from "./kinds.js";
import { looksGuessable } from "./secret-strength.js";

/** One setting of the server: an environment variable, and (unless `standalone`) an option of the plugin. */
export interface Setting {
  /** The environment variable, and in kebab case the flag of `prompt serve` (`DATA_DIR` → `--data-dir`). */
  env: string;
  /** The plugin's option, when it is not the variable in camel case (`DATA_DIR` → `dataDir`). */
  option?: string;
  // biome-ignore lint/suspicious/noExplicitAny: the table holds kinds of every input and resolved type
  kind: ValueKind<any, unknown>;
  /** Applied when the setting is not given; a function when it depends on the machine. */
  default?: string | number | (() => number | boolean);
  /** The default as people read it, where it is computed or where unset has a meaning of its own. */
  shownDefault?: string;
  /** What the value is, for `prompt serve --help` (`<url>`, `<duration>`…). */
  placeholder: string;
  description: string;
  /** Read by the standalone server (`npm start`, `prompt serve`) only: how it listens and logs. */
  standalone?: true;
  /** Never a flag of `prompt serve`: a flag would show the secret to every user of the machine in the process list. */
  secret?: true;
  /**
   * A rule the value keeps with other settings, checked once every option is resolved; it throws a ConfigError
   * naming the variable. Given the resolved options, of which it names the ones it reads.
   */
  // biome-ignore lint/suspicious/noExplicitAny: each row's check declares the resolved options it reads
  check?: (resolved: any) => void;
}

const MIN_SECRET_LENGTH = 32;

/**
 * Every setting, in the order the README's configuration table gives them. The plugin's options and their resolved
 * form, the environment's schema, the flags of `prompt serve` and the names in configuration errors are derived
 * from this table; names are kept as they are because deployments and outside checks set them by name.
 */
export const SETTINGS = [
  {
    env: "PORT",
    kind: integer({ min: 0, max: 65_535 }),
    default: 8000,
    placeholder: "port",
    description: "port to listen on (0 picks a free one)",
    standalone: true,
  },
  {
    env: "HOST",
    kind: text,
    default: "127.0.0.1",
    placeholder: "address",
    description: "address to listen on",
    standalone: true,
  },
  {
    env: "NODE_ENV",
    option: "production",
    kind: productionFlag,
    // The plugin, mounted in another app, still learns from NODE_ENV whether it runs in production.
    default: () => isProduction(process.env.NODE_ENV),
    shownDefault: "unset",
    placeholder: "environment",
    description: "production refuses to start without JWT_SECRET",
  },
  {
    env: "DATA_DIR",
    kind: path,
    default: "./.prompt-service",
    placeholder: "path",
    description: "embedded database, downloaded embedding models and the development JWT secret",
  },
  {
    env: "DATABASE_URL",
    kind: url("postgres", "postgresql"),
    shownDefault: "unset: embedded PGlite in DATA_DIR",
    placeholder: "url",
    description: "PostgreSQL to use instead of the embedded database",
  },
  {
    env: "REDIS_URL",
    kind: url("redis", "rediss"),
    shownDefault: "unset: in-process",
    placeholder: "url",
    description: "Redis for shared rate limits and cross-instance events, for several instances",
  },
  {
    env: "REDIS_PREFIX",
    kind: text,
    default: "prompt-service:",
    placeholder: "prefix",
    description: "namespace of every Redis key and channel",
  },
  {
    env: "JWT_SECRET",
    kind: text,
    shownDefault: "development: generated once into DATA_DIR",
    placeholder: "secret",
    description: "HS256 key of at least 32 characters, the same on every instance",
    secret: true,
    // Anyone who guesses the key can sign tokens for any account; production has no development secret to fall
    // back on, and a short or guessable key falls to an offline search from any token.
    check({ jwtSecret, production }: { jwtSecret: string | undefined; production: boolean }) {
      if (jwtSecret !== undefined && jwtSecret.length < MIN_SECRET_LENGTH) {
        throw new ConfigError("JWT_SECRET", `must be at least ${MIN_SECRET_LENGTH} characters long`);
      }
      if (!production) return;
      if (!jwtSecret) throw new ConfigError("JWT_SECRET", "is required in production");
      if (looksGuessable(jwtSecret)) {
        throw new ConfigError(
          "JWT_SECRET",
          "looks guessable (too few distinct characters, or too little randomness); make one with openssl rand -hex 32",
        );
      }
    },
  },
  {
    env: "ACCESS_TOKEN_TTL",
    kind: duration(),
    default: "5m",
    placeholder: "duration",
    description: "access token lifetime",
  },
  {
    env: "REFRESH_TOKEN_TTL",
    kind: duration(),
    default: "1d",
    placeholder: "duration",
    description: "refresh token lifetime",
  },
  {
    env: "REFRESH_REUSE_GRACE",
    kind: duration(),
    default: "30s",
    placeholder: "duration",
    description:
      "how long a used refresh token may be presented again (a retry, two tabs) and get a successor",
  },
  {
    env: "OPENAI_API_KEY",
    kind: text,
    shownDefault: "unset",
    placeholder: "key",
    description: "key of the OpenAI-compatible language model",
    secret: true,
  },
  {
    env: "OPENAI_BASE_URL",
    kind: url("http", "https"),
    default: "https://api.openai.com/v1",
    placeholder: "url",
    description: "OpenAI-compatible chat completions API",
  },
  {
    env: "OPENAI_MODEL",
    kind: text,
    default: "gpt-4o-mini",
    placeholder: "model",
    description: "language model",
  },
  {
    env: "LLM_TIMEOUT",
    kind: duration(),
    default: "30s",
    placeholder: "duration",
    description: "bound on one call to the OpenAI-compatible API (an answer, embeddings), retries included",
  },
  {
    env: "MOCK_LLM_DELAY",
    kind: duration({ allowZero: true }),
    default: "0ms",
    placeholder: "duration",
    description: "without OPENAI_API_KEY: pause between the mock answer's streamed pieces",
  },
  {
    env: "PROMPT_MAX_LENGTH",
    kind: integer(),
    default: 8000,
    placeholder: "n",
    description: "longest prompt, in characters after trimming",
  },
  {
    env: "EMBEDDINGS",
    kind: embeddingsSpec,
    default: "bundled",
    placeholder: "spec",
    description: "sentence embeddings: bundled, transformers:<model id or path> or openai:<model>",
  },
  {
    env: "EMBEDDING_THREADS",
    kind: integer(),
    default: defaultEmbeddingThreads,
    shownDefault: "cores − 1 (at least 1)",
    placeholder: "n",
    description: "worker threads that run a local embedding model",
  },
  {
    env: "EMBEDDING_MAX_THREADS",
    kind: integer(),
    default: defaultEmbeddingMaxThreads,
    shownDefault: "cores",
    placeholder: "n",
    description:
      "most such threads while a backlog waits for the model and requests leave a core free; those beyond EMBEDDING_THREADS end once idle",
  },
  {
    env: "EMBEDDING_IDLE_TIMEOUT",
    kind: duration(),
    default: "30s",
    placeholder: "duration",
    description:
      "a worker thread of a local embedding model that has embedded nothing for this long exits, freeing the model's memory; the next text starts one again",
  },
  {
    env: "EMBEDDING_QUEUE_LIMIT",
    kind: queueLimit,
    default: "256,32",
    placeholder: "limit",
    description:
      "texts that may wait for the model, <total> or <total>,<per user>; past either a search gets 503",
  },
  {
    env: "VECTOR_INDEX",
    kind: oneOf("faiss", "exact", "auto"),
    default: "auto",
    placeholder: "kind",
    description: "faiss, exact, or auto (faiss when faiss-node loads)",
  },
  {
    env: "INDEX_MEMORY_BUDGET",
    kind: size,
    default: "256MB",
    placeholder: "size",
    description:
      "memory for the similarity indexes of the users searched lately (least recently searched dropped)",
  },
  {
    env: "ANSWER_REUSE_MIN_SCORE",
    kind: score,
    shownDefault: "unset (off)",
    placeholder: "score",
    description:
      "reuse the same user's earlier answer to the same question when it scores at least this (0–1); `0.35` is what `npm run eval:reuse` recommends for the bundled model (no false reuse on its tuning set, two thirds of the paraphrases reused)",
  },
  {
    env: "USER_TOKEN_BUDGET",
    kind: tokenBudget,
    shownDefault: "unset (no budget)",
    placeholder: "tokens/period",
    description:
      "tokens (prompt + completion) a user may spend per UTC day or month, e.g. 200000/day; over it: 429 quota_exceeded",
  },
  {
    env: "CORS_ORIGINS",
    kind: origins,
    default: "",
    shownDefault: "unset (none)",
    placeholder: "origins",
    description: 'web pages that may call the API from another origin, comma-separated, or "*"',
  },
  {
    env: "PROMPT_RATE_LIMITS",
    kind: rateLimits,
    default: "1/s,10/min",
    placeholder: "rules",
    description: "throttle of new prompts per user",
  },
  {
    env: "LOGIN_RATE_LIMITS",
    kind: rateLimits,
    default: "10/min,50/h",
    placeholder: "rules",
    description: "throttle of login attempts per username and client address",
  },
  {
    env: "LOGIN_ADDRESS_RATE_LIMITS",
    kind: rateLimits,
    default: "30/min,300/h",
    placeholder: "rules",
    description: "throttle of login attempts per client address",
  },
  {
    env: "SEARCH_RATE_LIMITS",
    kind: rateLimits,
    default: "2/s,60/min",
    placeholder: "rules",
    description: "throttle of similarity searches per user (each runs the embedding model)",
  },
  {
    env: "EXPORT_RATE_LIMITS",
    kind: rateLimits,
    default: "2/min",
    placeholder: "rules",
    description: "throttle of history exports per user (each reads all of the user's prompts)",
  },
  {
    env: "PROMPT_RETENTION",
    kind: duration(),
    shownDefault: "unset (keep forever)",
    placeholder: "duration",
    description: "delete prompts older than this (e.g. 90d) in the background, in small batches",
  },
  {
    env: "REGISTER_RATE_LIMITS",
    kind: rateLimits,
    default: "10/h,50/d",
    placeholder: "rules",
    description: "throttle of registrations per client address",
  },
  {
    env: "REFRESH_RATE_LIMITS",
    kind: rateLimits,
    default: "30/min,300/h",
    placeholder: "rules",
    description: "throttle of token refreshes and logouts per client address",
  },
  {
    env: "RATE_LIMIT_FAIL_MODE",
    kind: oneOf("open", "closed"),
    // Open: Redis only shares the counts, and losing it should not take prompts and logins down with it. Outages
    // are logged, to be alerted on; "closed" is for deployments where abuse costs more than downtime.
    default: "open",
    placeholder: "mode",
    description: "while Redis is unreachable: open lets requests through, closed refuses them",
  },
  {
    env: "METRICS_TOKEN",
    kind: text,
    shownDefault: "unset",
    placeholder: "token",
    description: "when set, GET /metrics requires Authorization: Bearer <METRICS_TOKEN>",
    secret: true,
  },
  {
    env: "WS_MAX_SOCKETS_PER_USER",
    kind: integer(),
    default: 10,
    placeholder: "n",
    description: "open WebSockets per user on one instance; one more is closed with 4429",
  },
  {
    env: "WS_MAX_SOCKETS_PER_ADDRESS",
    kind: integer(),
    default: 500,
    placeholder: "n",
    description: "open WebSockets per client address on one instance",
  },
  {
    env: "WS_MAX_SOCKETS",
    kind: integer(),
    default: 20_000,
    placeholder: "n",
    description: "open WebSockets on one instance in all",
  },
  {
    env: "WS_CONNECT_RATE_LIMITS",
    kind: rateLimits,
    default: "60/min",
    placeholder: "rules",
    description: "throttle of new WebSockets per user, on every instance (429 before the upgrade)",
  },
  {
    env: "WS_MAX_MESSAGES_PER_SECOND",
    kind: integer(),
    default: 20,
    placeholder: "n",
    description: "messages a client may send on one socket in any second; one more closes it with 4429",
  },
  {
    env: "WS_HEARTBEAT_INTERVAL",
    kind: duration(),
    default: "30s",
    placeholder: "duration",
    description: "how often sockets are pinged; one that misses a ping is dropped at the next",
  },
  {
    env: "WS_MAX_BUFFERED_BYTES",
    kind: integer({ min: 1024 }),
    default: 1024 * 1024,
    placeholder: "bytes",
    description: "bytes waiting to be sent to one socket before it is dropped as too slow (4408)",
  },
  {
    env: "BODY_LIMIT",
    kind: integer({ min: 1024 }),
    default: 256 * 1024,
    placeholder: "bytes",
    description: "largest request body",
    standalone: true,
  },
  {
    env: "HEADERS_TIMEOUT",
    kind: duration(),
    default: "10s",
    placeholder: "duration",
    description: "time a client has to send a request's headers, from its first byte or its connection",
    standalone: true,
  },
  {
    env: "REQUEST_TIMEOUT",
    kind: duration(),
    default: "60s",
    placeholder: "duration",
    description: "time a client has to send a whole request, body included (never cuts an answer being sent)",
    standalone: true,
  },
  {
    env: "IDLE_TIMEOUT",
    kind: duration(),
    default: "72s",
    placeholder: "duration",
    description: "how long a kept-alive connection may wait for its next request",
    standalone: true,
  },
  {
    env: "MAX_CONNECTIONS_PER_ADDRESS",
    kind: integer(),
    default: 600,
    placeholder: "n",
    description:
      "open connections, WebSockets included, from one client address that is not a trusted proxy; one more gets 429",
    standalone: true,
  },
  {
    env: "TRUST_PROXY",
    kind: trustProxy,
    shownDefault: "unset",
    placeholder: "proxies",
    description:
      "proxies in front (a number of hops, true for one, or addresses/CIDR ranges) for the client address",
    standalone: true,
  },
  {
    env: "LOG_LEVEL",
    kind: oneOf("fatal", "error", "warn", "info", "debug", "trace", "silent"),
    default: "info",
    placeholder: "level",
    description: "pino level",
    standalone: true,
  },
] as const satisfies readonly Setting[];
