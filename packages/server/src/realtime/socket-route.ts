import websocket from "@fastify/websocket";
import { CLOSE_CODES } from "@prompt-service/protocol";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { ApiError } from "../http/api-error.js";
import { slashVariants } from "../http/slash-variants.js";
import { throttle } from "../ratelimit/throttle.js";
import type { ServiceContext } from "../service-context.js";
import { userGroup } from "./hub/index.js";
import { OpenSockets, type SocketOwner } from "./open-sockets.js";
import { socketErrorHandler } from "./socket-errors.js";
import { SocketSession } from "./socket-session.js";
import { selectProtocol, socketToken } from "./socket-token.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Expiry (seconds since the epoch; Infinity for a key without one) of the credential that opened a WebSocket. */
    socketTokenExpiresAt?: number;
    /** The session of that credential (a refresh-token family, or an API key), when it has one. */
    socketSession?: string;
  }
}

/**
 * `GET /ws/prompts/`: an authenticated socket that joins the group `user_<id>` on the event hub and receives
 * every event published to it, from whichever instance.
 */
export const socketRoutes: FastifyPluginAsync<ServiceContext> = async (app, context) => {
  const { credentials, hub, config, metrics, revocations } = context;
  const sockets = new OpenSockets();
  // Sockets of a session that ends (logout) close at once rather than when their token expires.
  const stopWatching = revocations.onRevoked((ended) => {
    for (const session of sockets.ofTokenSession(ended))
      session.close(CLOSE_CODES.unauthorized, "session ended");
  });
  // Sockets of a deleted account close at once, with a code that tells clients not to reconnect.
  const stopWatchingDeletions = context.deletions.onDeleted((userId) => {
    for (const session of sockets.ofUser(userId))
      session.close(CLOSE_CODES.accountDeleted, "account deleted");
  });
  app.addHook("onClose", async () => {
    stopWatching();
    stopWatchingDeletions();
  });

  await app.register(websocket, {
    options: { maxPayload: 16 * 1024, handleProtocols: selectProtocol },
    errorHandler: socketErrorHandler,
    preClose(done) {
      for (const session of sockets) session.close(CLOSE_CODES.goingAway, "server shutting down");
      done();
    },
  });

  const heartbeat = setInterval(() => {
    for (const session of sockets) session.heartbeat();
  }, config.wsHeartbeatInterval);
  heartbeat.unref();
  app.addHook("onClose", async () => clearInterval(heartbeat));

  // Authentication happens before the upgrade, so a bad token gets a plain HTTP 401 with the API's error body.
  async function authenticateUpgrade(request: FastifyRequest): Promise<void> {
    const token = socketToken(request);
    if (!token)
      throw new ApiError(
        "not_authenticated",
        "Send the access token as ?token=, a Bearer header, or the 'bearer, <token>' subprotocol.",
      );
    const caller = await credentials.verify(token);
    request.userId = caller.userId;
    request.socketTokenExpiresAt = caller.exp;
    request.socketSession = caller.session;
  }

  // New sockets per user, on every instance: reconnecting in a loop costs the server an authentication, a hub
  // subscription and a log line each time.
  const throttleSockets = throttle([
    { limiter: context.limiters.sockets, keyOf: (request) => String(request.userId) },
  ]);

  const schema = {
    tags: ["realtime"],
    summary: "Live events of the authenticated user (WebSocket upgrade)",
    // OpenAPI describes no WebSocket: the route stays out of the document, as @fastify/websocket's own routes do.
    hide: true,
    querystring: { type: "object", properties: { token: { type: "string", description: "Access token." } } },
  };
  for (const route of slashVariants("/ws/prompts/", schema)) {
    app.route({
      method: "GET",
      url: route.url,
      schema: route.schema,
      onRequest: authenticateUpgrade,
      config: throttleSockets,
      // A plain GET (a browser, curl) gets the API's error body rather than an empty 404.
      handler: async () => {
        throw new ApiError(
          "upgrade_required",
          "This is a WebSocket endpoint: connect with a WebSocket client (e.g. npx wscat -c 'ws://<host>/ws/prompts/?token=<access>').",
          { headers: { upgrade: "websocket" } },
        );
      },
      wsHandler: async (socket, request) => {
        const userId = request.userId as number;
        const owner: SocketOwner = { userId, address: request.ip, tokenSession: request.socketSession };
        // The caps per address and in all are bounds that no number of accounts gets around.
        const refusal =
          sockets.ofUser(userId).size >= config.wsMaxSocketsPerUser
            ? `at most ${config.wsMaxSocketsPerUser} sockets per user`
            : sockets.ofAddress(request.ip).size >= config.wsMaxSocketsPerAddress
              ? `at most ${config.wsMaxSocketsPerAddress} sockets per client address`
              : sockets.size >= config.wsMaxSockets
                ? "this instance has as many sockets as it takes; try again shortly"
                : undefined;
        if (refusal) {
          socket.close(CLOSE_CODES.tooManyConnections, refusal);
          return;
        }
        const session = new SocketSession(
          socket,
          userId,
          request.socketTokenExpiresAt as number,
          {
            maxBufferedBytes: config.wsMaxBufferedBytes,
            maxMessagesPerSecond: config.wsMaxMessagesPerSecond,
          },
          request.log,
        );
        sockets.add(session, owner);
        metrics.websocketConnections.inc();

        let unsubscribe: (() => Promise<void>) | undefined;
        socket.on("close", () => {
          session.dispose();
          sockets.delete(session, owner);
          metrics.websocketConnections.dec();
          void unsubscribe?.();
        });

        try {
          unsubscribe = await hub.subscribe(userGroup(userId), (_event, json) => {
            if (session.send(json)) metrics.websocketEventsSent.inc();
          });
        } catch (error) {
          request.log.error({ err: error, userId }, "could not subscribe a websocket to the event hub");
          session.close(CLOSE_CODES.internalError, "event hub unavailable");
          return;
        }
        // The socket may have closed while the subscription was being set up.
        if (socket.readyState !== socket.OPEN) void unsubscribe();
      },
    });
  }
};
