/**
 * The server's settings that `prompt serve` takes as flags: each is the environment variable of `npm start`
 * with the same name in kebab case (`--database-url` sets DATABASE_URL), and a flag wins over the variable.
 * Secrets (JWT_SECRET, OPENAI_API_KEY, METRICS_TOKEN) are left out: a flag would show them to every user of
 * the machine in the process list, so they come from the environment only.
 */
export const SERVE_SETTINGS: ReadonlyArray<{ env: string; value: string; description: string }> = [
  { env: "PORT", value: "port", description: "port to listen on (default 8000; 0 picks a free one)" },
  { env: "HOST", value: "address", description: "address to listen on (default 127.0.0.1)" },
  {
    env: "DATA_DIR",
    value: "path",
    description: "embedded database and development secret (default ./.prompt-service)",
  },
  { env: "DATABASE_URL", value: "url", description: "postgres:// URL of a PostgreSQL (default: embedded)" },
  {
    env: "REDIS_URL",
    value: "url",
    description: "redis:// URL, for several instances (default: in-process)",
  },
  { env: "REDIS_PREFIX", value: "prefix", description: "prefix of every Redis key and channel" },
  { env: "ACCESS_TOKEN_TTL", value: "duration", description: "access token lifetime (default 5m)" },
  { env: "REFRESH_TOKEN_TTL", value: "duration", description: "refresh token lifetime (default 1d)" },
  {
    env: "REFRESH_REUSE_GRACE",
    value: "duration",
    description: "a used refresh token still works this long (default 30s)",
  },
  { env: "OPENAI_BASE_URL", value: "url", description: "OpenAI-compatible API (the key: OPENAI_API_KEY)" },
  { env: "OPENAI_MODEL", value: "model", description: "language model (default gpt-4o-mini)" },
  { env: "LLM_TIMEOUT", value: "duration", description: "bound on one answer (default 30s)" },
  {
    env: "MOCK_LLM_DELAY",
    value: "duration",
    description: "without OPENAI_API_KEY: pause between the mock answer's pieces (default 0ms)",
  },
  { env: "EMBEDDINGS", value: "spec", description: "bundled, transformers:<model> or openai:<model>" },
  {
    env: "EMBEDDING_THREADS",
    value: "n",
    description: "worker threads running the embedding model (default: cores - 1)",
  },
  {
    env: "EMBEDDING_QUEUE_LIMIT",
    value: "limit",
    description: "texts waiting for the model, <total>[,<per user>] (default 256,32)",
  },
  { env: "VECTOR_INDEX", value: "kind", description: "faiss, exact or auto (default auto)" },
  {
    env: "INDEX_MEMORY_BUDGET",
    value: "size",
    description: "memory for the indexes of recently searched users, e.g. 256MB (default 256MB)",
  },
  {
    env: "ANSWER_REUSE_MIN_SCORE",
    value: "score",
    description: "reuse a user's earlier answer to the same question at this score (unset: off)",
  },
  {
    env: "CORS_ORIGINS",
    value: "origins",
    description: "web pages that may call the API from another origin, comma-separated (unset: none)",
  },
  { env: "PROMPT_MAX_LENGTH", value: "n", description: "longest prompt, in characters (default 8000)" },
  { env: "BODY_LIMIT", value: "bytes", description: "largest request body (default 262144)" },
  {
    env: "PROMPT_RATE_LIMITS",
    value: "rules",
    description: "throttle of new prompts per user (default 1/s,10/min)",
  },
  {
    env: "SEARCH_RATE_LIMITS",
    value: "rules",
    description: "throttle of similarity searches per user (default 2/s,60/min)",
  },
  {
    env: "REGISTER_RATE_LIMITS",
    value: "rules",
    description: "throttle of registrations per client address (default 10/h,50/d)",
  },
  {
    env: "REFRESH_RATE_LIMITS",
    value: "rules",
    description: "throttle of token refreshes and logouts per client address (default 30/min,300/h)",
  },
  {
    env: "LOGIN_RATE_LIMITS",
    value: "rules",
    description: "throttle of logins per username and client address",
  },
  { env: "LOGIN_ADDRESS_RATE_LIMITS", value: "rules", description: "throttle of logins per client address" },
  { env: "RATE_LIMIT_FAIL_MODE", value: "mode", description: "open or closed, while Redis is unreachable" },
  { env: "WS_MAX_SOCKETS_PER_USER", value: "n", description: "open WebSockets per user (default 10)" },
  {
    env: "WS_MAX_SOCKETS_PER_ADDRESS",
    value: "n",
    description: "open WebSockets per client address (default 500)",
  },
  { env: "WS_MAX_SOCKETS", value: "n", description: "open WebSockets on one instance (default 20000)" },
  {
    env: "WS_MAX_MESSAGES_PER_SECOND",
    value: "n",
    description: "messages a client may send on a socket per second (default 20)",
  },
  { env: "WS_HEARTBEAT_INTERVAL", value: "duration", description: "WebSocket ping interval (default 30s)" },
  {
    env: "WS_MAX_BUFFERED_BYTES",
    value: "bytes",
    description: "unsent bytes before a slow socket is dropped",
  },
  { env: "LOG_LEVEL", value: "level", description: "fatal, error, warn, info, debug, trace or silent" },
];

/** `DATABASE_URL` → `database-url`. */
export const flagOf = (env: string): string => env.toLowerCase().replaceAll("_", "-");

/** `DATABASE_URL` → `databaseUrl`: where commander puts the flag's value. */
export const attributeOf = (env: string): string =>
  env.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The environment of the server: the caller's, with the flags given on top. */
export function serverEnvironment(
  env: Record<string, string | undefined>,
  flags: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const given = SERVE_SETTINGS.flatMap(({ env: name }) => {
    const value = flags[attributeOf(name)];
    return value === undefined ? [] : [[name, value] as const];
  });
  return { ...env, ...Object.fromEntries(given) };
}
