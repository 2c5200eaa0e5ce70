/** What the event stream needs from a WebSocket, whichever implementation carries it. */
export interface SocketHandlers {
  open(): void;
  /** A text message. */
  message(text: string): void;
  /** Called exactly once, however the socket ended: closed by either side, refused, failed or terminated. */
  close(code: number, reason: string): void;
}

export interface Socket {
  send(text: string): void;
  /** Starts the closing handshake; the `close` handler runs when it completes. */
  close(code: number, reason: string): void;
  /** Drops the connection at once, for one that stopped answering; the `close` handler runs with 1006. */
  terminate(): void;
}

/** Opens an authenticated socket to `url`. */
export type OpenSocket = (url: string, token: string, handlers: SocketHandlers) => Socket;

/** 1006: the connection ended without a close frame. */
export const ABNORMAL_CLOSURE = 1006;
