import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type FastifyPluginAsync, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import fp from "fastify-plugin";

/**
 * Node's errors for a client that went away mid-request (a body cut short, a connection reset while answering): the
 * client's doing, logged as info without a stack.
 */
const CLIENT_GONE = new Set(["ECONNRESET", "ERR_STREAM_PREMATURE_CLOSE", "EPIPE"]);

/**
 * One JSON line per request with what an operator filters on: the route template (never the raw path), status,
 * duration and the user when known. Fastify's default is two lines without route or user.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? "(unmatched)",
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      ...(request.userId === undefined ? {} : { userId: request.userId }),
    };
    if (error && CLIENT_GONE.has((error as { code?: string }).code ?? "")) {
      reply.log.info({ ...line, reason: error.message }, "request aborted by the client");
    } else if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

/**
 * The caller's `X-Request-Id` is kept when it is 1 to 128 letters, digits and `_ . : -` (UUIDs, ULIDs, AWS trace ids
 * and the like): anything else (quotes, markup, a 5,000-character value) would be echoed into responses and written
 * into every log line of the request, so the server makes a UUID instead. The README documents this rule.
 */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Fastify's genReqId: the caller's id when it follows REQUEST_ID_PATTERN, else a fresh UUID. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

/**
 * Echoes the request id (the caller's `X-Request-Id`, or a fresh one) so clients can quote it. The hooks on every
 * request's path take Fastify's callback form: an async hook costs each request a promise and a turn of the
 * microtask queue for work that never waits.
 */
const plugin: FastifyPluginAsync = async (app) => {
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
};

export const requestIdHeader = fp(plugin, { name: "prompt-service-request-id" });
