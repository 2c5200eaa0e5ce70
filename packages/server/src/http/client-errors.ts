import { maxHeaderSize, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { ApiError } from "./api-error.js";

type ConnectionError = Error & { code?: string };

/**
 * What Node's HTTP parser refuses before Fastify sees a request: a request (headers or body) not received within
 * HEADERS_TIMEOUT or REQUEST_TIMEOUT, headers over Node's size limit, or bytes that are not HTTP. Each is the client's
 * doing, so each gets the API's error body and an info line, never an error with a stack.
 */
function apiErrorOf(error: ConnectionError): ApiError {
  switch (error.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new ApiError(
        "request_timeout",
        "The request was not received in time (HEADERS_TIMEOUT, REQUEST_TIMEOUT); send it again, all at once.",
      );
    case "HPE_HEADER_OVERFLOW":
      return new ApiError(
        "headers_too_large",
        `Request headers are too large: at most ${maxHeaderSize} bytes in all.`,
      );
    default:
      return new ApiError("parse_error", "Malformed HTTP request.");
  }
}

/** Fastify's clientErrorHandler (Fastify binds it to the app): answers as the API does, then closes the connection. */
export function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A reset connection, or one already gone: nobody is left to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const apiError = apiErrorOf(error);
  this.log.info(
    { code: apiError.code, reason: error.code ?? error.message },
    "client error before any request",
  );
  if (socket.writable) {
    const body = JSON.stringify(apiError.toBody());
    socket.write(
      `HTTP/1.1 ${apiError.statusCode} ${STATUS_CODES[apiError.statusCode]}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
