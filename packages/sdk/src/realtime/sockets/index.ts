import { PromptServiceError } from "../../errors.js";
import { openNodeSocket } from "./node.js";
import type { OpenSocket } from "./socket.js";
import { type StandardWebSocketConstructor, standardSocketOpener } from "./standard.js";

export type { OpenSocket, Socket, SocketHandlers } from "./socket.js";
export type { StandardWebSocket, StandardWebSocketConstructor } from "./standard.js";

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";

/** The given WebSocket class; else `ws` in Node; else the global WebSocket (browsers, Deno). */
export function chooseSocketOpener(Implementation?: StandardWebSocketConstructor): OpenSocket {
  if (Implementation) return standardSocketOpener(Implementation);
  if (isNode) return openNodeSocket;
  const global = (globalThis as { WebSocket?: StandardWebSocketConstructor }).WebSocket;
  if (global) return standardSocketOpener(global);
  throw new PromptServiceError(
    "No WebSocket implementation here: pass one as the `WebSocket` client option.",
  );
}
