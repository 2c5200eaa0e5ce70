import { Redis, type RedisOptions } from "ioredis";
import { encodeEvent } from "./codec.js";
import { HeldPublishes } from "./held-publishes.js";
import { GroupListeners, type Subscription } from "./listeners.js";
import {
  type DeliveryErrorHandler,
  type EventHub,
  type HubEvent,
  type HubStatusChange,
  HubUnavailableError,
  type Listener,
  type StatusHandler,
  type Unsubscribe,
} from "./port.js";

export interface RedisHubOptions {
  url: string;
  /** Namespaces the channels, `<prefix>events:<group>`, so that several deployments can share one Redis. */
  prefix: string;
  /** Bound on every Redis command, for a connection that stays open but stops answering. */
  commandTimeoutMs: number;
  /** How long, and how many, publishes are held while the connection comes back before they fail. */
  publishHold: { ms: number; limit: number };
  onStatus: StatusHandler;
  onDeliveryError: DeliveryErrorHandler;
}

type Role = HubStatusChange["connection"];

/**
 * Every command either gets its answer from a live connection or fails promptly, so that a socket waiting for its
 * subscription does not hang while Redis is away: no offline queue (a command sent while disconnected is refused at
 * once), no re-sending of commands in flight when the connection drops (`maxRetriesPerRequest: 0` rejects them on
 * close), and `commandTimeout`. Publishes are held a moment instead (see HeldPublishes). ioredis reconnects on its
 * own, every RECONNECT_MAX_MS at most: with its default backoff (up to 2 s) the connection came back up to 2 s after
 * Redis did, and everything published meanwhile was lost.
 */
const FAIL_FAST: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  // The hub re-subscribes itself from its listener table, which knows when delivery has actually resumed.
  autoResubscribe: false,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, RECONNECT_MAX_MS),
};

const RECONNECT_MAX_MS = 200;

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The URL for messages: never its password. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable Redis URL)";
  }
}

/**
 * Connects the Redis hub: one connection publishes, one dedicated connection holds this instance's channel
 * subscriptions, whatever the number of listeners. Rejects with HubUnavailableError when Redis is unreachable.
 */
export async function openRedisHub(options: RedisHubOptions): Promise<EventHub> {
  const connect = (role: Role) =>
    new Redis(options.url, {
      ...FAIL_FAST,
      commandTimeout: options.commandTimeoutMs,
      connectionName: `${options.prefix}hub:${role}`,
    });
  const publisher = connect("publisher");
  const subscriber = connect("subscriber");
  const hub = new RedisHub(publisher, subscriber, options);
  // ioredis rejects connect() with a generic "Connection is closed."; the cause comes as an error event.
  let cause: unknown;
  const recordCause = (error: Error) => {
    cause ??= error;
  };
  publisher.once("error", recordCause);
  subscriber.once("error", recordCause);
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
  } catch (error) {
    await hub.close();
    cause ??= error;
    throw new HubUnavailableError(
      `cannot connect to Redis at ${redact(options.url)}: ${errorMessage(cause)}`,
      {
        cause,
      },
    );
  } finally {
    publisher.off("error", recordCause);
    subscriber.off("error", recordCause);
  }
  return hub;
}

class RedisHub implements EventHub {
  readonly kind = "redis";
  private readonly listeners: GroupListeners;
  private readonly channelPrefix: string;
  private readonly onStatus: StatusHandler;
  /**
   * Per group with listeners, the SUBSCRIBE of its channel on the current subscriber connection. Cleared when
   * that connection closes: a new connection starts with no subscriptions.
   */
  private readonly confirmations = new Map<string, Promise<void>>();
  private readonly held: HeldPublishes;
  private closed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    options: RedisHubOptions,
  ) {
    this.listeners = new GroupListeners(options.onDeliveryError);
    this.channelPrefix = `${options.prefix}events:`;
    this.onStatus = options.onStatus;
    this.held = new HeldPublishes({ holdMs: options.publishHold.ms, limit: options.publishHold.limit });
    this.reportStatus(publisher, "publisher");
    this.reportStatus(subscriber, "subscriber");
    publisher.on("ready", () => {
      this.emit({ connection: "publisher", status: "ready" });
      void this.flushHeld();
    });
    subscriber.on("ready", () => this.restoreSubscriptions());
    subscriber.on("close", () => this.confirmations.clear());
    subscriber.on("message", (channel: string, message: string) => {
      if (channel.startsWith(this.channelPrefix)) {
        this.listeners.deliver(channel.slice(this.channelPrefix.length), message);
      }
    });
  }

  async publish(group: string, event: HubEvent): Promise<void> {
    this.assertOpen();
    const json = encodeEvent(event);
    const channel = this.channel(group);
    try {
      // Behind held ones, in order: events of one answer must not overtake each other.
      if (this.publisher.status === "ready" && this.held.size === 0) {
        try {
          await this.publisher.publish(channel, json);
          return;
        } catch (error) {
          // A connection that is up but does not answer in time: holding would not help.
          if (this.publisher.status === "ready") throw error;
        }
      }
      const sent = this.held.hold(channel, json);
      if (this.publisher.status === "ready") void this.flushHeld();
      await sent;
    } catch (error) {
      throw new HubUnavailableError(`could not publish to "${group}": ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  async subscribe(group: string, listener: Listener): Promise<Unsubscribe> {
    this.assertOpen();
    const subscription: Subscription = { listener };
    this.listeners.add(group, subscription);
    try {
      await this.confirm(group);
    } catch (error) {
      await this.remove(group, subscription);
      throw new HubUnavailableError(`could not subscribe to "${group}": ${errorMessage(error)}`, {
        cause: error,
      });
    }
    return () => this.remove(group, subscription);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      await Promise.all([this.publisher.ping(), this.subscriber.ping()]);
    } catch (error) {
      throw new HubUnavailableError(`Redis is not answering: ${errorMessage(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.held.rejectAll("the event hub is closed");
    this.listeners.clear();
    this.confirmations.clear();
    await Promise.all([this.publisher, this.subscriber].map(quit));
    this.onStatus({ connection: "publisher", status: "closed" });
    this.onStatus({ connection: "subscriber", status: "closed" });
  }

  private flushHeld(): Promise<void> {
    return this.held.flush((channel, json) => this.publisher.publish(channel, json));
  }

  private channel(group: string): string {
    return this.channelPrefix + group;
  }

  /** Resolves once the group's channel is subscribed on the current connection, subscribing it if need be. */
  private confirm(group: string): Promise<void> {
    const pending = this.confirmations.get(group);
    if (pending) return pending;
    const confirmation = this.subscriber.subscribe(this.channel(group)).then(() => undefined);
    this.track([group], confirmation);
    return confirmation;
  }

  private track(groups: string[], confirmation: Promise<void>): void {
    for (const group of groups) this.confirmations.set(group, confirmation);
    // Forgotten once failed, so that the next listener of the group tries again.
    confirmation.catch(() => {
      for (const group of groups) {
        if (this.confirmations.get(group) === confirmation) this.confirmations.delete(group);
      }
    });
  }

  private async remove(group: string, subscription: Subscription): Promise<void> {
    if (!this.listeners.remove(group, subscription)) return;
    this.confirmations.delete(group);
    // Nothing to retry when this fails: Redis is then unreachable, and the next connection starts without
    // subscriptions and restores only the groups that still have listeners.
    await this.subscriber.unsubscribe(this.channel(group)).catch(() => undefined);
  }

  /** On every (re)connection of the subscriber: subscribes the channels of all groups that have listeners. */
  private restoreSubscriptions(): void {
    const groups = this.listeners.activeGroups();
    const restored =
      groups.length === 0
        ? Promise.resolve()
        : this.subscriber.subscribe(...groups.map((group) => this.channel(group))).then(() => undefined);
    this.track(groups, restored);
    restored.then(
      () => this.emit({ connection: "subscriber", status: "ready" }),
      (error: Error) => this.emit({ connection: "subscriber", status: "error", error }),
    );
  }

  private reportStatus(connection: Redis, role: Role): void {
    connection.on("error", (error: Error) => this.emit({ connection: role, status: "error", error }));
    connection.on("close", () => this.emit({ connection: role, status: "disconnected" }));
    connection.on("reconnecting", (delayMs: number) =>
      this.emit({ connection: role, status: "reconnecting", delayMs }),
    );
  }

  /** Connection noise caused by `close()` itself is not reported. */
  private emit(change: HubStatusChange): void {
    if (!this.closed) this.onStatus(change);
  }

  private assertOpen(): void {
    if (this.closed) throw new HubUnavailableError("the event hub is closed");
  }
}

/** QUIT lets Redis answer what is in flight; a connection that is down, or does not answer, is just dropped. */
async function quit(connection: Redis): Promise<void> {
  if (connection.status === "ready") {
    try {
      await connection.quit();
      return;
    } catch {
      // Dropped below.
    }
  }
  connection.disconnect();
}
