import { fetch as undiciFetch } from "undici";
import type { Fetch } from "../core/http.js";
import { openNodeSocket } from "../realtime/sockets/node.js";
import { type StandardWebSocketConstructor, standardSocketOpener } from "../realtime/sockets/standard.js";
import type { Platform } from "./port.js";

/**
 * Node: undici's fetch, which takes a `dispatcher` (Agent, ProxyAgent, MockAgent), and `ws`, which can send the
 * token in a header. Loaded only through the package's `node` export condition, so browsers never see either.
 */
export const nodePlatform: Platform = {
  fetch: undiciFetch as Fetch,
  openSocket: (Implementation?: StandardWebSocketConstructor) =>
    Implementation ? standardSocketOpener(Implementation) : openNodeSocket,
};
