import type { Fetch } from "../core/http.js";
import type { OpenSocket } from "../realtime/sockets/socket.js";
import type { StandardWebSocketConstructor } from "../realtime/sockets/standard.js";

/** What the client takes from the runtime it runs in: Node (./node.ts) or a browser (./browser.ts). */
export interface Platform {
  /** The fetch of requests; `dispatcher` is given only where the runtime's fetch understands it (undici). */
  fetch: Fetch;
  /** How event streams open their sockets, unless the caller passes a WebSocket class. */
  openSocket(Implementation?: StandardWebSocketConstructor): OpenSocket;
}
