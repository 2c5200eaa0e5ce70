import { type FastifyPluginAsync, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import fp from "fastify-plugin";

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
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

/** Echoes the request id (the caller's `X-Request-Id`, or a fresh one) so clients can quote it. */
const plugin: FastifyPluginAsync = async (app) => {
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
};

export const requestIdHeader = fp(plugin, { name: "prompt-service-request-id" });
