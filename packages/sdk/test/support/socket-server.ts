import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface StubConnection {
  socket: WebSocket;
  /** The token the client authenticated with, from the header or the `bearer, <token>` subprotocol. */
  token: string | undefined;
  /** Text messages received from the client. */
  received: string[];
  /** Answer `{"type":"ping"}` with a pong, as the server does; false plays a server that went silent. */
  answerPings: boolean;
  /** Resolves with the close code the server saw. */
  closed: Promise<number>;
}

function tokenOf(request: IncomingMessage): string | undefined {
  const header = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
  const protocols = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((value) => value.trim());
  return header ?? (protocols[0] === "bearer" ? protocols[1] : undefined);
}

/**
 * A scriptable WebSocket server for unit tests of the event stream: it records connections, closes them with any
 * code, refuses upgrades, and can stop answering. Tests against the real server live in test/integration.
 */
export async function startSocketServer(
  options: { refuse?: (token: string | undefined) => number | undefined } = {},
) {
  const connections: StubConnection[] = [];
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (protocols) => (protocols.has("bearer") ? "bearer" : false),
    verifyClient: (info, accept) => {
      const status = options.refuse?.(tokenOf(info.req));
      if (status) accept(false, status);
      else accept(true);
    },
  });
  await once(server, "listening");
  server.on("connection", (socket, request) => {
    const connection: StubConnection = {
      socket,
      token: tokenOf(request),
      received: [],
      answerPings: true,
      closed: once(socket, "close").then(([code]) => code as number),
    };
    socket.on("message", (data) => {
      const text = String(data);
      connection.received.push(text);
      if (connection.answerPings && JSON.parse(text).type === "ping")
        socket.send(JSON.stringify({ type: "pong" }));
    });
    connections.push(connection);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws/prompts/`,
    connections,
    /** The n-th connection (from 0), once it is there. */
    async connection(index: number): Promise<StubConnection> {
      while (!connections[index]) await new Promise((resolve) => setTimeout(resolve, 5));
      return connections[index];
    },
    async close(): Promise<void> {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
