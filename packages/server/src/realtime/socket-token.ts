import type { FastifyRequest } from "fastify";
import { bearerToken } from "../auth/authenticate.js";

const BEARER_PROTOCOL = "bearer";

/**
 * The access token of a WebSocket upgrade, from wherever a client can put it: `?token=` (the original service's
 * way), `Authorization: Bearer` (Node clients), or the subprotocol pair `bearer, <token>` (browsers, which can
 * set neither headers nor, safely, URLs that end up in logs).
 */
export function socketToken(request: FastifyRequest): string | undefined {
  const query = (request.query as { token?: unknown }).token;
  if (typeof query === "string" && query) return query;
  const header = bearerToken(request);
  if (header) return header;
  const protocols = offeredProtocols(request);
  const index = protocols.indexOf(BEARER_PROTOCOL);
  return index >= 0 ? protocols[index + 1] : undefined;
}

function offeredProtocols(request: FastifyRequest): string[] {
  const header = request.headers["sec-websocket-protocol"];
  return typeof header === "string" ? header.split(",").map((protocol) => protocol.trim()) : [];
}

/** The subprotocol to accept: a browser drops the connection unless the server selects one it offered. */
export function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : false;
}
