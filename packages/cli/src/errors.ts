import {
  AbortError,
  APIError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  ValidationError,
} from "@prompt-service/sdk";
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

const seconds = (count: number) => `${count} second${count === 1 ? "" : "s"}`;

/** What an authentication failure means for the person at the terminal. */
function authenticationMessage(error: AuthenticationError, server: string): string {
  switch (error.code) {
    case "not_authenticated":
      return `not logged in to ${server}: run \`prompt login --username NAME\``;
    case "no_active_account":
      return "wrong username or password";
    case "token_not_valid":
      return `the session on ${server} expired or was revoked: run \`prompt login --username NAME\``;
    default:
      return error.detail;
  }
}

/** The CliError an error of a command stands for; `server` is the one the command talked to. */
export function explain(error: unknown, server: string): CliError {
  if (error instanceof CliError) return error;
  const cause = { cause: error };
  if (error instanceof RateLimitError) {
    const wait = error.retryAfter === undefined ? "later" : `in ${seconds(error.retryAfter)}`;
    return new CliError(`throttled by ${server}: try again ${wait}`, ExitCode.throttled, cause);
  }
  if (error instanceof AuthenticationError) {
    return new CliError(authenticationMessage(error, server), ExitCode.authentication, cause);
  }
  if (error instanceof ConnectionError) {
    return new CliError(`cannot reach ${server}: ${error.message}`, ExitCode.unreachable, cause);
  }
  if (error instanceof ValidationError) return new CliError(error.detail, ExitCode.error, cause);
  if (error instanceof APIError)
    return new CliError(`${error.detail} (${error.code})`, ExitCode.error, cause);
  if (error instanceof AbortError) return new CliError("interrupted", ExitCode.error, cause);
  return new CliError(error instanceof Error ? error.message : String(error), ExitCode.error, cause);
}
