import { connect, createServer, type Socket } from "node:net";

/** A TCP proxy in front of a server (Redis, PostgreSQL…) that a test can cut and restore, to prove real reconnection. */
export interface TcpProxy {
  /** The target URL with the proxy's host and port. */
  url: string;
  /** Drops every connection and refuses new ones, as when Redis goes away. */
  cut(): void;
  /** Keeps connections open but forwards nothing, as when the network silently drops packets. */
  stall(): void;
  /** Forwards again; connections that were stalled are dropped, their byte streams being broken. */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string, defaultPort = 6379): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const upstreamAddress = { host: target.hostname || "127.0.0.1", port: Number(target.port) || defaultPort };
  let mode: "open" | "cut" | "stalled" = "open";
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };

  const server = createServer((client) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    const upstream = connect(upstreamAddress);
    track(client);
    track(upstream);
    const forward = (from: Socket, to: Socket) => {
      from.on("data", (chunk) => {
        if (mode === "open") to.write(chunk);
      });
      from.on("error", () => to.destroy());
      from.on("close", () => to.destroy());
    };
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);

  return {
    url: url.toString(),
    cut() {
      mode = "cut";
      dropAll();
    },
    stall() {
      mode = "stalled";
    },
    restore() {
      if (mode === "stalled") dropAll();
      mode = "open";
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
