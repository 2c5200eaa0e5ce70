import type { Dispatcher } from "undici";
import { type AccessTokenProvider, TokenManager, type TokenStore } from "./auth/token-manager.js";
import { readEnv } from "./core/env.js";
import { type Fetch, HttpClient } from "./core/http.js";
import { DEFAULT_MAX_RETRY_AFTER_SECONDS } from "./core/retry.js";
import { socketUrl } from "./core/url.js";
import { PromptServiceError } from "./errors.js";
import type { TokenPair } from "./generated/api.js";
import type { Platform } from "./platform/port.js";
import { EventStream, type EventStreamOptions } from "./realtime/event-stream.js";
import type { StandardWebSocketConstructor } from "./realtime/sockets/index.js";
import { Auth, refreshRequest } from "./resources/auth.js";
import { Keys } from "./resources/keys.js";
import { Prompts } from "./resources/prompts.js";
import { Usage } from "./resources/usage.js";

/** Where `npm start` listens by default. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:8000";

export interface ClientOptions {
  /** The server, with the prefix it is mounted under if any. Defaults to $PROMPT_SERVER, then DEFAULT_BASE_URL. */
  baseUrl?: string;
  /**
   * A personal API key (`ps_…`, from `client.keys.create` or `prompt keys create`): no login, and nothing to
   * refresh. A function is called for the key before every request. Defaults to $PROMPT_API_KEY unless session
   * tokens are given as options; null uses no key even when $PROMPT_API_KEY is set.
   */
  apiKey?: string | AccessTokenProvider | null;
  /**
   * Defaults to $PROMPT_TOKEN. A function is called for the current token before every request and every
   * reconnection of an event stream (and once more after a 401).
   */
  accessToken?: string | AccessTokenProvider;
  /** Lets the client refresh the access token by itself. */
  refreshToken?: string;
  /** Loads the session when no token is given, and saves it after every login, refresh and logout. */
  tokenStore?: TokenStore;
  /**
   * Milliseconds one attempt of a request may take. Defaults to 60 000, above the server's 30-second bound on
   * the language model.
   */
  timeout?: number;
  /** Retries of a failed request that is safe to repeat: 429, 5xx, timeouts and connection errors. Defaults to 2. */
  maxRetries?: number;
  /**
   * Seconds: the longest `Retry-After` of a 429 that a retry waits out. A longer one rejects at once with
   * RateLimitError (its `retryAfter` says how long), so that a person is told instead of kept waiting. Defaults to 60.
   */
  maxRetryAfter?: number;
  /** Replaces the fetch of requests (tests, instrumentation): by default undici's in Node, the global one elsewhere. */
  fetch?: Fetch;
  /** Node only: an undici dispatcher (Agent, ProxyAgent, MockAgent) for every request. */
  dispatcher?: Dispatcher;
  /** A standard WebSocket class for event streams; by default `ws` in Node and the global WebSocket elsewhere. */
  WebSocket?: StandardWebSocketConstructor;
}

function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new PromptServiceError(`baseUrl must be an absolute http(s) URL, got "${baseUrl}".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PromptServiceError(`baseUrl must be an http:// or https:// URL, got "${baseUrl}".`);
  }
  return baseUrl;
}

function checkMaxRetryAfter(seconds: number): number {
  if (!(seconds >= 0)) {
    throw new PromptServiceError(`maxRetryAfter must be a number of seconds, 0 or more, got ${seconds}.`);
  }
  return seconds;
}

/**
 * The API key to use: the option, else $PROMPT_API_KEY unless the caller gave session tokens (what the code says
 * beats what the environment says); undefined for none.
 */
function apiKeyOf(options: ClientOptions): string | AccessTokenProvider | undefined {
  if (options.apiKey !== undefined) return options.apiKey ?? undefined;
  const sessionGiven = options.accessToken !== undefined || options.refreshToken !== undefined;
  return sessionGiven ? undefined : readEnv("PROMPT_API_KEY");
}

/**
 * A client of the Prompt Service API, whichever runtime it runs in: the package's entry points (./index.ts for
 * Node, ./browser.ts for the rest) give it the runtime's fetch and WebSocket and export it as PromptClient.
 */
export class ClientBase {
  readonly baseUrl: string;
  readonly auth: Auth;
  readonly prompts: Prompts;
  readonly keys: Keys;
  readonly usage: Usage;
  private readonly tokens: TokenManager;

  protected constructor(
    private readonly options: ClientOptions,
    private readonly platform: Platform,
  ) {
    this.baseUrl = checkBaseUrl(options.baseUrl ?? readEnv("PROMPT_SERVER") ?? DEFAULT_BASE_URL);
    // The token manager refreshes through the HTTP client, which asks the token manager for tokens.
    const exchange = (refresh: string) => http.request<TokenPair>(refreshRequest(refresh));
    const apiKey = apiKeyOf(options);
    // A key is the whole credential: no refresh token to trade, no stored session to read or overwrite.
    this.tokens = new TokenManager(
      apiKey
        ? { accessToken: apiKey, exchange }
        : {
            accessToken: options.accessToken ?? readEnv("PROMPT_TOKEN"),
            refreshToken: options.refreshToken,
            store: options.tokenStore,
            exchange,
          },
    );
    const http = new HttpClient({
      baseUrl: this.baseUrl,
      timeout: options.timeout ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
      maxRetryAfter: checkMaxRetryAfter(options.maxRetryAfter ?? DEFAULT_MAX_RETRY_AFTER_SECONDS),
      tokens: this.tokens,
      fetch: options.fetch ?? platform.fetch,
      dispatcher: options.dispatcher,
    });
    this.auth = new Auth(http, this.tokens);
    this.prompts = new Prompts(http);
    this.keys = new Keys(http);
    this.usage = new Usage(http);
  }

  /** Connects to the live events of the user (logged in, or the API key's); see EventStream. */
  events(options?: EventStreamOptions): EventStream {
    const context = {
      url: socketUrl(this.baseUrl, "/ws/prompts/"),
      tokens: this.tokens,
      openSocket: this.platform.openSocket(this.options.WebSocket),
    };
    return new EventStream(context, options);
  }
}
