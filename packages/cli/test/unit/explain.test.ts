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
/** What undici's fetch rejects with when nothing listens at the address, as the SDK wraps it. */
const refused = (what: string) =>
  new ConnectionError(`${what} failed: fetch failed (connect ECONNREFUSED 127.0.0.1:8000)`, {
    cause: new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8000"), { code: "ECONNREFUSED" }),
    }),
  });
const throttled = (retryAfter: number | undefined) =>
  new RateLimitError(429, { code: "throttled", detail: "Request was throttled." }, undefined, retryAfter);

describe("the exit status and message of a failure", () => {
  it.each([
    [throttled(1), ExitCode.throttled, `throttled by ${SERVER}: try again in 1 second`],
    [throttled(12), ExitCode.throttled, `throttled by ${SERVER}: try again in 12 seconds`],
    [throttled(undefined), ExitCode.throttled, `throttled by ${SERVER}: try again later`],
    [auth("not_authenticated"), ExitCode.authentication, `not logged in to ${SERVER}: run \`prompt login\``],
    [auth("no_active_account"), ExitCode.authentication, "wrong username or password"],
    [
      auth("token_not_valid"),
      ExitCode.authentication,
      `the session or API key for ${SERVER} expired or was revoked: run \`prompt login\``,
    ],
    [auth("something_new", "Go away."), ExitCode.authentication, "Go away."],
    [
      new ConnectionError("GET /api/auth/me/ failed: fetch failed (other side closed)"),
      ExitCode.unreachable,
      `cannot reach ${SERVER}: GET /api/auth/me/ failed: fetch failed (other side closed)`,
    ],
    [refused("POST /api/auth/refresh/"), ExitCode.unreachable, `no server answers at ${SERVER}`],
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
      new ValidationError(400, {
        code: "invalid",
        detail: "prompt: Ensure this field has no more than 4000 characters.",
        fields: { prompt: ["Ensure this field has no more than 4000 characters."] },
      }),
      ExitCode.error,
      "the prompt's text: Ensure this field has no more than 4000 characters.",
    ],
    [
      new ValidationError(400, {
        code: "invalid",
        detail: "username: A user with that username already exists.; email: Enter a valid email address.",
        fields: {
          username: ["A user with that username already exists."],
          email: ["Enter a valid email address."],
        },
      }),
      ExitCode.error,
      "--username: A user with that username already exists.; --email: Enter a valid email address.",
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
    const explained = explain(error, { server: SERVER });
    expect({ exitCode: explained.exitCode, message: explained.message }).toEqual({ exitCode, message });
    expect(explained.cause).toBe(error);
  });

  it.each(["http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"])(
    "asks whether `npm start` runs when nothing answers on this machine (%s), naming no internal request",
    (server) => {
      const explained = explain(refused("POST /api/auth/refresh/"), { server });
      expect(explained.message).toBe(`no server answers at ${server} (is \`npm start\` running?)`);
      expect(explained.exitCode).toBe(ExitCode.unreachable);
    },
  );

  it("keeps a CliError as it is", () => {
    const error = new CliError("the passwords do not match", ExitCode.error);
    expect(explain(error, { server: SERVER })).toBe(error);
  });
});
