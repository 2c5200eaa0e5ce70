import { ABNORMAL_CLOSURE, type OpenSocket } from "./socket.js";

/** The WebSocket of browsers and of undici (the global one in newer Node versions), as far as it is used here. */
export interface StandardWebSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

export type StandardWebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => StandardWebSocket;

/**
 * A socket through a standard WebSocket. It can set neither headers nor, safely, URLs (they end up in logs), so
 * the token travels as the subprotocol pair `bearer, <token>`, which the server accepts and answers with `bearer`.
 */
export function standardSocketOpener(Implementation: StandardWebSocketConstructor): OpenSocket {
  return (url, token, handlers) => {
    const socket = new Implementation(url, ["bearer", token]);
    let closed = false;
    const close = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      handlers.close(code, reason);
    };
    socket.addEventListener("open", () => handlers.open());
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") handlers.message(event.data);
    });
    socket.addEventListener("close", (event) => close(event.code, event.reason || "connection lost"));
    return {
      send: (text) => socket.send(text),
      close: (code, reason) => socket.close(code, reason),
      terminate: () => {
        // The standard API cannot drop a connection at once; stop listening to it instead.
        socket.close();
        close(ABNORMAL_CLOSURE, "terminated");
      },
    };
  };
}
