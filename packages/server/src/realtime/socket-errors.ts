import type { FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";

/**
 * @fastify/websocket's errorHandler: errors of an open socket. Those of the `ws` library's own checks (a frame over
 * the 16 KiB limit, closed with 1009; a malformed frame) and a client that vanished are the client's doing: an info
 * line without a stack, one per socket since the socket ends with it. Anything else is the server's and is an error.
 */
export function socketErrorHandler(
  error: Error & { code?: string },
  socket: WebSocket,
  request: FastifyRequest,
  _reply: FastifyReply,
): void {
  const code = error.code ?? "";
  if (code.startsWith("WS_ERR_") || code === "ECONNRESET" || code === "EPIPE") {
    request.log.info(
      { userId: request.userId, code, reason: error.message },
      "websocket closed on a client error",
    );
  } else {
    request.log.error({ err: error, userId: request.userId }, "websocket failed");
  }
  socket.terminate();
}
