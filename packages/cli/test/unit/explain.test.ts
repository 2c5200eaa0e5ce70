import {
  AbortError,
  APIError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from "@prompt-service/sdk";
import { describe, expect, it } from "vitest";
import { CliError, explain } from "../../src/errors.js";
import { ExitCode } from "../../src/exit-codes.js";

const SERVER = "http://prompt.test";
const auth = (code: string, detail = "refused") => new AuthenticationError(401, { code, detail });
const throttled = (retryAfter: number | undefined) =>
  new RateLimitError(429, { code: "throttled", detail: "Request was throttled." }, undefined, retryAfter);

describe("the exit status and message of a failure", () => {
  it.each([
    [throttled(1), ExitCode.throttled, `throttled by ${SERVER}: try again in 1 second`],
    [throttled(12), ExitCode.throttled, `throttled by ${SERVER}: try again in 12 seconds`],
    [throttled(undefined), ExitCode.throttled, `throttled by ${SERVER}: try again later`],
    [
      auth("not_authenticated"),
      ExitCode.authentication,
      `not logged in to ${SERVER}: run \`prompt login --username NAME\``,
    ],
    [auth("no_active_account"), ExitCode.authentication, "wrong username or password"],
    [
      auth("token_not_valid"),
      ExitCode.authentication,
      `the session on ${SERVER} expired or was revoked: run \`prompt login --username NAME\``,
    ],
    [auth("something_new", "Go away."), ExitCode.authentication, "Go away."],
    [
      new ConnectionError("fetch failed (connect ECONNREFUSED)"),
      ExitCode.unreachable,
      `cannot reach ${SERVER}: fetch failed (connect ECONNREFUSED)`,
    ],
    [
      new TimeoutError("no answer in 60000 ms"),
      ExitCode.unreachable,
      `cannot reach ${SERVER}: no answer in 60000 ms`,
    ],
    [
      new ValidationError(400, {
        code: "invalid",
        detail: "password: Ensure this field has at least 8 characters.",
      }),
      ExitCode.error,
      "password: Ensure this field has at least 8 characters.",
    ],
    [
      new APIError(504, {
        code: "llm_timeout",
        detail: "The language model provider did not answer in time.",
      }),
      ExitCode.error,
      "The language model provider did not answer in time. (llm_timeout)",
    ],
    [new AbortError("aborted"), ExitCode.error, "interrupted"],
    [new Error("disk full"), ExitCode.error, "disk full"],
  ])("%s → %i", (error, exitCode, message) => {
    const explained = explain(error, SERVER);
    expect({ exitCode: explained.exitCode, message: explained.message }).toEqual({ exitCode, message });
    expect(explained.cause).toBe(error);
  });

  it("keeps a CliError as it is", () => {
    const error = new CliError("the passwords do not match", ExitCode.error);
    expect(explain(error, SERVER)).toBe(error);
  });
});
