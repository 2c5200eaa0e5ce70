/**
 * The event hub port: delivers JSON events to named groups of listeners on every server instance. A listener is
 * typically one WebSocket; a group is everyone who may see an event, e.g. `user_<id>` for all sockets of a user.
 */

/** A JSON-serialisable object; listeners receive a parsed copy, never the publisher's object. */
export type HubEvent = object;

/**
 * Receives each event published to its group after it subscribed, in publication order per publisher. `json` is
 * the event as JSON text, so that a socket can forward it without serialising it once per socket. A listener that
 * throws (or rejects) is reported to `onDeliveryError` and does not affect the other listeners.
 */
export type Listener = (event: Record<string, unknown>, json: string) => void | Promise<void>;

/** Stops one subscription; idempotent. The listener receives nothing once it has been called. */
export type Unsubscribe = () => Promise<void>;

export interface EventHub {
  /** "memory" (this process only) or "redis" (every instance sharing the Redis), for logs and health checks. */
  readonly kind: "memory" | "redis";
  /**
   * Delivers `event` to every listener of `group` on every instance, the publishing one included, exactly once.
   * Rejects with a TypeError when the event is not JSON-serialisable, and with HubUnavailableError when it could
   * not be handed over for delivery (Redis down for longer than a publish is held, or not answering in time); it is
   * then not retried, and may or may not have been delivered.
   */
  publish(group: string, event: HubEvent): Promise<void>;
  /**
   * Adds a listener to `group`. Resolves once events published from then on will reach it. Rejects with
   * HubUnavailableError, keeping nothing registered, when that cannot be guaranteed.
   */
  subscribe(group: string, listener: Listener): Promise<Unsubscribe>;
  /** Resolves when the hub can deliver events now; rejects with HubUnavailableError otherwise (readiness). */
  ping(): Promise<void>;
  /** Drops every listener and releases connections; idempotent. */
  close(): Promise<void>;
}

/** The group of every socket of one user. */
export const userGroup = (userId: number): string => `user_${userId}`;

/** Called when an event could not be delivered to a listener: the listener threw, or the message was not JSON. */
export type DeliveryErrorHandler = (error: unknown, group: string) => void;

/** A change in the state of one of the Redis hub's two connections, for logs and metrics. */
export interface HubStatusChange {
  connection: "publisher" | "subscriber";
  /**
   * `ready`: usable (for the subscriber: every group re-subscribed, delivery has resumed); `error`: a connection or
   * command error, see `error`; `disconnected`: the connection closed, ioredis will reconnect; `reconnecting`: next
   * attempt in `delayMs`; `closed`: closed for good by `close()`.
   */
  status: "ready" | "error" | "disconnected" | "reconnecting" | "closed";
  error?: Error;
  delayMs?: number;
}

export type StatusHandler = (change: HubStatusChange) => void;

/** The hub cannot deliver right now (Redis unreachable, too slow, or the hub is closed). */
export class HubUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HubUnavailableError";
  }
}
