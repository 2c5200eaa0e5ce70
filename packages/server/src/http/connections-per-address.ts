import type { Socket } from "node:net";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { ApiError } from "./api-error.js";

/**
 * Whether the peer `address`, `hop` proxies away from the server (0: the connection's own peer), is a proxy whose
 * X-Forwarded-For entry is believed: Fastify's trustProxy function, and what exempts a balancer from the per-address
 * connection cap.
 */
export type TrustProxy = ((address: string, hop: number) => boolean) | undefined;

interface ConnectionCapOptions {
  /** MAX_CONNECTIONS_PER_ADDRESS: open connections, WebSockets included, from one client address. */
  maxPerAddress: number;
  /** TRUST_PROXY: a trusted proxy carries many clients' connections and is not capped. */
  trustProxy: TrustProxy;
}

/**
 * A cap on the connections one client address holds open, so that one client's idle or stalled sockets cannot use
 * up the process's file descriptors and lock everyone else out. Connections are counted as they open; a request
 * that arrives on one over the cap is answered 429 and its connection closed. One that never sends a request is
 * closed by HEADERS_TIMEOUT. A trusted proxy (TRUST_PROXY) is not capped: behind a balancer, limiting connections per
 * client is the balancer's work, and a list of the balancer's addresses keeps direct connections capped.
 */
const plugin: FastifyPluginAsync<ConnectionCapOptions> = async (app, { maxPerAddress, trustProxy }) => {
  const open = new Map<string, number>();
  const overCap = new WeakSet<Socket>();

  app.server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || trustProxy?.(address, 0)) return;
    const count = (open.get(address) ?? 0) + 1;
    open.set(address, count);
    if (count > maxPerAddress) overCap.add(socket);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });

  // The callback form, as every hook on each request's path (see request-logging.ts).
  app.addHook("onRequest", (request, reply, done) => {
    if (!overCap.has(request.raw.socket)) {
      done();
      return;
    }
    const refusal = new ApiError(
      "throttled",
      `Too many open connections from your address (at most ${maxPerAddress}); close some and try again.`,
    );
    // Answered here rather than thrown: the API's error handler belongs to the plugin, and this hook to the server.
    // A hook that sends its answer does not call done.
    reply
      .code(refusal.statusCode)
      .headers({ connection: "close", "retry-after": "1" })
      .send(refusal.toBody());
  });
};

export const connectionsPerAddress = fp(plugin, { name: "prompt-service-connections-per-address" });
