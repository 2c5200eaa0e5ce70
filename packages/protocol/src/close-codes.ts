/**
 * WebSocket close codes the server uses, so clients know what to do next. 4xxx codes are the application's range
 * (RFC 6455 §7.4.2); they mirror the HTTP status a request would get.
 */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect (to another instance). */
  goingAway: 1001,
  /** A message over the size limit. */
  messageTooBig: 1009,
  /** The server cannot serve the socket (its event hub is unavailable): reconnect, after a backoff. */
  internalError: 1011,
  /** The access token expired or is invalid (also what a refused upgrade's 401 becomes): reconnect with a fresh one. */
  unauthorized: 4401,
  /** The account was deleted: do not reconnect. */
  accountDeleted: 4410,
  /** The client reads too slowly: too much data is waiting for it. Reconnect and read faster. */
  slowConsumer: 4408,
  /**
   * Too many: the user, the client address or the instance already has the most sockets open, or the client sent
   * too many messages in a second. Wait before reconnecting.
   */
  tooManyConnections: 4429,
} as const;
