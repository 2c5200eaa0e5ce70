import type { Fetch } from "../core/http.js";
import { PromptServiceError } from "../errors.js";
import { type StandardWebSocketConstructor, standardSocketOpener } from "../realtime/sockets/standard.js";
import type { Platform } from "./port.js";

/**
 * Browsers, Deno, Bun, workers: the standard fetch and WebSocket of the runtime. The socket carries the token as
 * the subprotocol pair `bearer, <token>` (a browser cannot set headers on a WebSocket).
 */
export const browserPlatform: Platform = {
  // Called through globalThis: a bare reference to a browser's fetch throws "Illegal invocation".
  fetch: ((url, { dispatcher: _dispatcher, ...init }) => globalThis.fetch(url, init)) as Fetch,
  openSocket: (Implementation?: StandardWebSocketConstructor) => {
    const chosen = Implementation ?? (globalThis as { WebSocket?: StandardWebSocketConstructor }).WebSocket;
    if (!chosen) {
      throw new PromptServiceError(
        "No WebSocket implementation here: pass one as the `WebSocket` client option.",
      );
    }
    return standardSocketOpener(chosen);
  },
};
