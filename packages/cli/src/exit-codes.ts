/** The exit status of `prompt`: one fixed table, so that scripts can tell failures apart. */
export const ExitCode = {
  ok: 0,
  /** Anything not below: the server refused the input, the language model failed… */
  error: 1,
  /** Bad command line: unknown command or option, missing argument, invalid value. */
  usage: 2,
  /** Not logged in, wrong username or password, or a session that expired or was revoked. */
  authentication: 3,
  /** Throttled by the server; the message says how long to wait. */
  throttled: 4,
  /** The server could not be reached, or did not answer in time. */
  unreachable: 5,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
