export type { OpenSocket, Socket, SocketHandlers } from "./socket.js";
export type { StandardWebSocket, StandardWebSocketConstructor } from "./standard.js";
