import type { FastifyServerOptions } from "fastify";

/**
 * Secrets never reach the logs: the Authorization header, passwords and tokens are redacted wherever they appear,
 * and `token` is cut out of logged URLs (WebSocket clients send it as a query parameter).
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["sec-websocket-protocol"]',
  "*.password",
  "*.access",
  "*.refresh",
  "*.token",
  "*.jwtSecret",
  "*.openaiApiKey",
  "err.config.headers.authorization",
];

export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access|refresh)=)[^&#]*/gi, "$1[Redacted]");
}

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  return {
    level,
    ...(stream ? { stream } : {}),
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
