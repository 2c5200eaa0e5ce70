import type { Server } from "node:http";
import type { FastifyHttpOptions } from "fastify";
import { ConfigError } from "../errors.js";

export interface ClientTimeouts {
  /** HEADERS_TIMEOUT: from a connection's first byte (or its opening) to the end of a request's headers. */
  headersTimeout: number;
  /** REQUEST_TIMEOUT: the same to the end of the request's body. */
  requestTimeout: number;
  /** IDLE_TIMEOUT: how long a kept-alive connection may wait for its next request. */
  idleTimeout: number;
}

/**
 * Node's HTTP server options that bound how long a client may take to send a request, so that sockets that send
 * headers and a Content-Length but never the body (or nothing at all) are closed with a 408 instead of staying
 * open forever. Node checks them only while a request is being received: an answer being written (an SSE stream)
 * is never cut, and an upgraded WebSocket has left the HTTP server. Fastify's `connectionTimeout` (inactivity at any
 * time) stays off for that reason: a model that thinks for 30 s before its first piece would cut the stream.
 */
export function slowClientOptions({
  headersTimeout,
  requestTimeout,
  idleTimeout,
}: ClientTimeouts): Pick<FastifyHttpOptions<Server>, "http" | "requestTimeout" | "keepAliveTimeout"> {
  // The headers are part of the request: Node refuses a longer bound for them.
  if (headersTimeout > requestTimeout) {
    throw new ConfigError("HEADERS_TIMEOUT", "must not be longer than REQUEST_TIMEOUT");
  }
  return {
    requestTimeout,
    keepAliveTimeout: idleTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      // Node looks for expired requests at this interval (30 s by default): a tenth of the shorter bound, so that a
      // stalled request closes close to its timeout.
      connectionsCheckingInterval: Math.max(10, Math.min(headersTimeout, requestTimeout) / 10),
    },
  };
}
