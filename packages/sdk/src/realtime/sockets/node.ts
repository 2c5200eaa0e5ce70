import WebSocket from "ws";
import { closeCodeOfRejectedUpgrade } from "../close-codes.js";
import { ABNORMAL_CLOSURE, type OpenSocket } from "./socket.js";

/**
 * A socket through `ws`. Node can send headers, so the token travels as `Authorization: Bearer`, out of URLs
 * and logs; a refused upgrade's HTTP status becomes a close code (401 → 4401) so that it is handled like one.
 */
export const openNodeSocket: OpenSocket = (url, token, handlers) => {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  let refusedWith: number | undefined;
  let failure: string | undefined;
  socket.on("open", () => handlers.open());
  socket.on("message", (data, isBinary) => {
    if (!isBinary) handlers.message(data.toString());
  });
  socket.on("unexpected-response", (_request, response) => {
    refusedWith = response.statusCode;
    response.resume();
    socket.terminate();
  });
  // An error is always followed by a close event; only its message is kept, as the reason.
  socket.on("error", (error) => {
    failure ??= error.message;
  });
  socket.on("close", (code, reason) => {
    if (refusedWith !== undefined) {
      handlers.close(
        closeCodeOfRejectedUpgrade(refusedWith),
        `the server refused the upgrade: HTTP ${refusedWith}`,
      );
    } else {
      handlers.close(
        code,
        reason.toString() || failure || (code === ABNORMAL_CLOSURE ? "connection lost" : ""),
      );
    }
  });
  return {
    send: (text) => socket.send(text),
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
  };
};
