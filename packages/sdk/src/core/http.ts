import type { Dispatcher } from "undici";
import {
  APIError,
  AuthenticationError,
  ConnectionError,
  type HeaderReader,
  InternalServerError,
  NotFoundError,
  PromptServiceError,
} from "../errors.js";
import { VERSION } from "../version.js";
import { Deadline, sleep, throwIfAborted } from "./abort.js";
import { APIPromise, type WithResponse } from "./api-promise.js";
import { errorOfResponse } from "./error-of-response.js";
import { isRetryable, retryDelayMs } from "./retry.js";
import { apiUrl, type Query } from "./url.js";

/** What the client passes to `fetch`: undici's, the global one, or a stub in tests all accept it. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  dispatcher?: Dispatcher;
}

/** The part of a fetch Response the client reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: HeaderReader;
  /** The body as it arrives, for streamed answers. */
  readonly body?: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

export type Fetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** Options every method of the client takes as its last argument. */
export interface RequestOptions {
  /** Cancels the call, retries and the waits between them included; it then rejects with AbortError. */
  signal?: AbortSignal;
  /** Milliseconds per attempt; overrides the client's `timeout`. */
  timeout?: number;
  /**
   * Retries after throttling, server errors, timeouts and connection errors; overrides the client's. Requests
   * that are not safe to repeat (deleting the account) are retried only when this is given.
   */
  maxRetries?: number;
}

export interface ApiRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Query;
  /** A JSON body. */
  body?: unknown;
  /** A body of another media type, sent as it is (NDJSON). */
  content?: { type: string; text: string };
  /** Headers of this request, such as its Idempotency-Key; the same on every retry. */
  headers?: Record<string, string>;
  /** Sends the access token; a 401 refreshes it once and repeats the request. */
  authenticated: boolean;
  /** Sending it twice does no harm, so it is retried without the caller asking. */
  idempotent: boolean;
}

/** Where the HTTP client gets access tokens from: the token manager. */
export interface AccessTokenSource {
  accessToken(signal?: AbortSignal): Promise<string | undefined>;
  /** A token to use instead of `rejected`, which got a 401; undefined when there is none. */
  refreshAfterRejection(rejected: string, signal?: AbortSignal): Promise<string | undefined>;
}

interface HttpClientOptions {
  baseUrl: string;
  timeout: number;
  maxRetries: number;
  /** Seconds: a Retry-After above it fails the request at once instead of being waited out. */
  maxRetryAfter: number;
  tokens: AccessTokenSource;
  fetch: Fetch;
  dispatcher?: Dispatcher | undefined;
}

/** A body as JSON, or as the text it is when it is not JSON (a proxy's HTML page); undefined when empty. */
const parseBody = (text: string): unknown => {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** How an attempt reads a successful answer's body; `what` names the request for messages. */
type ReadBody<T> = (response: FetchResponse, what: string) => Promise<T>;

const readJson = async (response: FetchResponse, what: string): Promise<unknown> => {
  const body = parseBody(await response.text());
  if (typeof body === "string") {
    throw new PromptServiceError(`${what} answered ${response.status} with a body that is not JSON.`);
  }
  return body;
};

const readStream = async (response: FetchResponse, what: string): Promise<ReadableStream<Uint8Array>> => {
  if (!response.body) throw new PromptServiceError(`${what} answered ${response.status} without a body.`);
  return response.body;
};

/** Sends API requests: JSON in and out, access tokens, timeouts, retries, and typed errors. */
export class HttpClient {
  private readonly fetch: Fetch;

  constructor(private readonly options: HttpClientOptions) {
    this.fetch = options.fetch;
  }

  /** Sends a request answered with JSON; the promise's `withResponse()` gives the response's headers too. */
  request<T>(request: ApiRequest, options: RequestOptions = {}): APIPromise<T> {
    return new APIPromise(
      this.withRetries(request, options, (token) =>
        this.attempt(request, token, options, "application/json", readJson as ReadBody<T>),
      ),
    );
  }

  /**
   * Sends a request answered with a stream (server-sent events, NDJSON) and returns the body as it arrives. The
   * timeout bounds the wait for the answer to begin, not the stream; `signal` ends both. An error status throws as
   * `request` does, and is retried as `request`'s are until the answer begins; never afterwards.
   */
  async openStream(
    request: ApiRequest,
    options: RequestOptions = {},
    accept = "text/event-stream",
  ): Promise<ReadableStream<Uint8Array>> {
    const answer = await this.withRetries(request, options, (token) =>
      this.attempt(request, token, options, accept, readStream),
    );
    return answer.data;
  }

  /**
   * Runs `attempt` with a fresh access token each time: once more after a 401 with a refreshed token, and again
   * after a retryable failure, up to the retries allowed, after the server's Retry-After or a backoff. A refresh
   * that fails rejects at once: it is never retried (the server rotates refresh tokens).
   */
  private async withRetries<T>(
    request: ApiRequest,
    options: RequestOptions,
    attempt: (token: string | undefined) => Promise<WithResponse<T>>,
  ): Promise<WithResponse<T>> {
    const { signal } = options;
    const maxRetries = options.maxRetries ?? (request.idempotent ? this.options.maxRetries : 0);
    let refreshed = false;
    /** An attempt failed in a way that leaves open whether the server did the work (its answer was lost). */
    let mayHaveRun = false;
    for (let retries = 0; ; ) {
      throwIfAborted(signal);
      const token = request.authenticated ? await this.options.tokens.accessToken(signal) : undefined;
      try {
        return await attempt(token);
      } catch (error) {
        // The server is the judge of a token: one rejected before its expiry is refreshed once, not retried.
        if (error instanceof AuthenticationError && token !== undefined && !refreshed) {
          refreshed = true;
          if (await this.options.tokens.refreshAfterRejection(token, signal)) continue;
        }
        // A DELETE repeated after a lost answer finds nothing to delete: the first attempt did what was asked.
        if (mayHaveRun && request.method === "DELETE" && error instanceof NotFoundError)
          return {
            data: undefined as T,
            response: { status: error.status, headers: error.headers ?? new Headers() },
          };
        if (retries >= maxRetries || !isRetryable(error)) throw error;
        const retryAfter = error instanceof APIError ? error.retryAfter : undefined;
        const delay = retryDelayMs(retries, retryAfter, this.options.maxRetryAfter);
        if (delay === undefined) throw error;
        mayHaveRun ||= error instanceof ConnectionError || error instanceof InternalServerError;
        retries += 1;
        await sleep(delay, signal);
      }
    }
  }

  /**
   * One attempt: the request, and the body read by `read` under the attempt's deadline (a server can stall in the
   * middle of a body as well as before it; a stream's deadline ends once it begins, leaving only the caller's signal).
   */
  private async attempt<T>(
    request: ApiRequest,
    token: string | undefined,
    options: RequestOptions,
    accept: string,
    read: ReadBody<T>,
  ): Promise<WithResponse<T>> {
    const what = `${request.method} ${request.path}`;
    const deadline = new Deadline(options.timeout ?? this.options.timeout, options.signal);
    try {
      const response = await this.send(request, token, deadline.signal, accept);
      if (response.status >= 400) {
        throw errorOfResponse(response.status, parseBody(await response.text()), response.headers);
      }
      return { data: await read(response, what), response };
    } catch (error) {
      throw deadline.explain(error, what);
    } finally {
      deadline.clear();
    }
  }

  private send(
    request: ApiRequest,
    token: string | undefined,
    signal: AbortSignal,
    accept: string,
  ): Promise<FetchResponse> {
    const headers: Record<string, string> = {
      ...request.headers,
      accept,
      "user-agent": `prompt-service-sdk/${VERSION}`,
    };
    const body =
      request.content?.text ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
    if (body !== undefined) headers["content-type"] = request.content?.type ?? "application/json";
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return this.fetch(apiUrl(this.options.baseUrl, request.path, request.query).toString(), {
      method: request.method,
      headers,
      signal,
      ...(body === undefined ? {} : { body }),
      ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
    });
  }
}
