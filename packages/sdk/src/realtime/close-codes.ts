import { CLOSE_CODES } from "@prompt-service/protocol";

/** What a close code tells the client to do next. */
type CloseAction = "reconnect" | "refresh" | "stop";

/** Application codes (4000 + an HTTP status) after which reconnecting helps. */
const TRANSIENT_APPLICATION_CODES = new Set<number>([
  CLOSE_CODES.slowConsumer, // reconnect and read faster
  CLOSE_CODES.tooManyConnections, // one of the others may close meanwhile
]);

/** Protocol codes that say the server refuses this client: reconnecting would be refused the same way. */
const REFUSALS = new Set([
  1002, // protocol error
  1003, // unsupported data
  1008, // policy violation
]);

/**
 * 4401: reconnect with a fresh token. A refusal (policy, or a 4xxx mirroring a client error such as 403) ends
 * the stream. Everything else is a connection that dropped (1001 server shutdown, 1006 network, 1011/1012/1013
 * server trouble): reconnect.
 */
export function actionOnClose(code: number): CloseAction {
  if (code === CLOSE_CODES.unauthorized) return "refresh";
  if (REFUSALS.has(code)) return "stop";
  if (code >= 4400 && code < 4500 && !TRANSIENT_APPLICATION_CODES.has(code)) return "stop";
  return "reconnect";
}

/** The close code that stands for an upgrade the server refused with an HTTP status: 4000 + a 4xx status. */
export function closeCodeOfRejectedUpgrade(status: number): number {
  return status >= 400 && status < 500 ? 4000 + status : 1006;
}
