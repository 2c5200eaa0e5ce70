import type { FastifyServerOptions } from "fastify";
import { destination } from "pino";

/** Fields that hold a secret, whatever object of a log line carries them. */
const SECRET_FIELDS = ["password", "access", "refresh", "token", "jwtSecret", "openaiApiKey", "metricsToken"];
/** Where such objects sit in the service's log lines: the line itself, a body, the options, an error. */
const SECRET_HOLDERS = ["", "body.", "options.", "config.", "err."];

/**
 * Secrets never reach the logs: the Authorization header, passwords and tokens are redacted where the service's log
 * lines can carry them, and `token` is cut out of logged URLs (WebSocket clients send it as a query parameter).
 * The paths are spelled out rather than wildcards ("*.password"): a wildcard makes pino walk every line, which cost
 * more than the rest of a light request's logging (see BENCHMARKS.md, (a)).
 */
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["sec-websocket-protocol"]',
  "err.config.headers.authorization",
  ...SECRET_HOLDERS.flatMap((holder) => SECRET_FIELDS.map((field) => `${holder}${field}`)),
];

function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access|refresh)=)[^&#]*/gi, "$1[Redacted]");
}

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  return {
    level,
    // Standard output, written asynchronously: a line is handed to the operating system at once when nothing else is
    // being written, and the lines of a busy moment go out together, rather than one blocking write(2) per request on
    // the thread that serves them (a tenth of a light request's cost: BENCHMARKS.md, (a)). pino writes what is left
    // synchronously when the process exits; only a process killed outright can lose the lines of its last moment.
    stream: stream ?? destination({ dest: 1, sync: false }),
    redact: { paths: REDACTED_PATHS, censor: "[Redacted]" },
    serializers: {
      req: (request: { method: string; url: string; id: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        id: request.id,
      }),
    },
  };
}
