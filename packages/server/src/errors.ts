// The errors of the services below the routes, which know nothing of HTTP: http/error-handler.ts's toApiError alone
// turns each into the API's status, code and headers.

/**
 * Work that a service below the routes cannot take now (a full queue), to be tried again after `retryAfterSeconds`.
 * The services know nothing of HTTP: the error handler makes this a 503 `service_unavailable` with Retry-After.
 */
export class OverloadedError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = "OverloadedError";
  }
}

/**
 * A bearer credential that proves nothing: forged, expired, of the wrong type, revoked, or of an account that is gone.
 * The error handler makes it a 401 `token_not_valid` with RFC 6750's challenge.
 */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTokenError";
  }
}

/**
 * A user at or over USER_TOKEN_BUDGET, refused until the budget's window resets at `resetsAt`, `retryAfterSeconds`
 * from now. The error handler makes it a 429 `quota_exceeded` with Retry-After.
 */
export class TokenBudgetExceededError extends Error {
  constructor(
    readonly used: number,
    readonly limit: number,
    readonly period: "day" | "month",
    readonly resetsAt: Date,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Token budget exhausted: ${used} of ${limit} tokens used this ${period}. ` +
        `It resets at ${resetsAt.toISOString()}.`,
    );
    this.name = "TokenBudgetExceededError";
  }
}

/** The providers the server calls out to, as error details name them: "the language model provider". */
export type ProviderKind = "language model" | "embeddings";

/**
 * A provider call that failed: unreachable, refused, answered what cannot be read, or (`timedOut`) out of its time
 * budget. The message is safe to show, as it never quotes the provider's text (which can echo the prompt or the key).
 * The error handler makes it a 502 or 504 whose code tells a failed search from a failed answer.
 */
export class ProviderError extends Error {
  readonly timedOut: boolean;

  constructor(
    readonly provider: ProviderKind,
    message: string,
    options: { timedOut?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.timedOut = options.timedOut ?? false;
  }
}

/** Thrown when configuration is invalid; names the offending variable or option. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable} ${reason}`);
    this.name = "ConfigError";
  }
}
