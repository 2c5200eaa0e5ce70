import {
  AbortError,
  APIError,
  AuthenticationError,
  ConnectionError,
  PermissionDeniedError,
  PromptServiceError,
  QuotaExceededError,
  RateLimitError,
  ValidationError,
} from "@prompt-service/sdk";
import { isLoopback } from "./config/loopback.js";
import { ExitCode } from "./exit-codes.js";

/** A failure to report to the user: one line of text and the exit status it stands for. */
export class CliError extends Error {
  override readonly name: string = "CliError";

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bad command line: exit status 2. */
export class UsageError extends CliError {
  override readonly name: string = "UsageError";

  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** Whole seconds: the SDK counts a `retry-after-ms` in fractions of one. */
const seconds = (count: number) => `${Math.ceil(count)} second${Math.ceil(count) === 1 ? "" : "s"}`;

/** What an authentication failure means for the person at the terminal. */
function authenticationMessage(error: AuthenticationError, server: string): string {
  switch (error.code) {
    case "not_authenticated":
      return `not logged in to ${server}: run \`prompt login\``;
    case "no_active_account":
      return "wrong username or password";
    case "token_not_valid":
      return `the session or API key for ${server} expired or was revoked: run \`prompt login\``;
    case "account_deleted":
      return `the account on ${server} was deleted`;
    default:
      return error.detail;
  }
}

/**
 * The API's fields as the command line names them. The server's detail starts with the field's name ("prompt:
 * Ensure this field…"), which, after the program's own "prompt: ", read as a prefix said twice.
 */
const FIELD_NAMES: Record<string, string> = {
  prompt: "the prompt's text",
  q: "the query",
  k: "-k",
  limit: "--limit",
  cursor: "--cursor",
  username: "--username",
  email: "--email",
  password: "the password",
  name: "--name",
  expires_in: "--expires",
  days: "--days",
};

/** "--username: A user with that username already exists.", one clause per field, as the command line names them. */
function validationMessage(error: ValidationError): string {
  const fields = Object.entries(error.fields ?? {});
  if (fields.length === 0) return error.detail;
  return fields
    .map(([field, messages]) => `${FIELD_NAMES[field] ?? field}: ${messages.join(" ")}`)
    .join("; ");
}

/** Whether nothing listens at the server's address: the connection was refused, not lost or slow. */
function refused(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as NodeJS.ErrnoException).code === "ECONNREFUSED") return true;
    // Node tries each address of a name (localhost: ::1, then 127.0.0.1) and reports them together.
    if (cause instanceof AggregateError && cause.errors.some(refused)) return true;
  }
  return false;
}

/** A server that cannot be reached, said without the SDK's request (which may be a refresh the user never asked for). */
function unreachableMessage(error: ConnectionError, server: string): string {
  if (!refused(error)) return `cannot reach ${server}: ${error.message}`;
  return isLoopback(server)
    ? `no server answers at ${server} (is \`npm start\` running?)`
    : `no server answers at ${server}`;
}

/**
 * The CliError an error of a command stands for. Only the SDK's errors name the server the command talked to, so
 * `context.server` is read for those alone: a command that talked to none has not chosen one.
 */
export function explain(error: unknown, context: { readonly server: string }): CliError {
  if (error instanceof CliError) return error;
  if (!(error instanceof PromptServiceError)) {
    return new CliError(error instanceof Error ? error.message : String(error), ExitCode.error, {
      cause: error,
    });
  }
  const { server } = context;
  const cause = { cause: error };
  if (error instanceof QuotaExceededError) {
    return new CliError(`token budget used up on ${server}: ${error.detail}`, ExitCode.throttled, cause);
  }
  if (error instanceof RateLimitError) {
    const wait = error.retryAfter === undefined ? "later" : `in ${seconds(error.retryAfter)}`;
    return new CliError(`throttled by ${server}: try again ${wait}`, ExitCode.throttled, cause);
  }
  if (error instanceof AuthenticationError) {
    return new CliError(authenticationMessage(error, server), ExitCode.authentication, cause);
  }
  if (error instanceof PermissionDeniedError) {
    return new CliError(
      `${error.detail} An API key cannot do this: run \`prompt login\`.`,
      ExitCode.authentication,
      cause,
    );
  }
  if (error instanceof ConnectionError) {
    return new CliError(unreachableMessage(error, server), ExitCode.unreachable, cause);
  }
  if (error instanceof ValidationError) return new CliError(validationMessage(error), ExitCode.error, cause);
  if (error instanceof APIError)
    return new CliError(`${error.detail} (${error.code})`, ExitCode.error, cause);
  if (error instanceof AbortError) return new CliError("interrupted", ExitCode.error, cause);
  return new CliError(error.message, ExitCode.error, cause);
}
