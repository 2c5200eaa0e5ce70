import { MemoryHub } from "./memory.js";
import type { DeliveryErrorHandler, EventHub, StatusHandler } from "./port.js";
import { openRedisHub } from "./redis.js";

export {
  type DeliveryErrorHandler,
  type EventHub,
  type HubEvent,
  type HubStatusChange,
  HubUnavailableError,
  type Listener,
  type StatusHandler,
  type Unsubscribe,
  userGroup,
} from "./port.js";

export const HUB_DEFAULTS = {
  prefix: "prompt-service:",
  commandTimeoutMs: 2_000,
  /** Long enough for the connection to come back once Redis has (see RECONNECT_MAX_MS), short for a request. */
  publishHold: { ms: 2_000, limit: 10_000 },
} as const;

export interface CreateHubOptions {
  /** `redis://…`: events reach every instance sharing this Redis. Unset: the in-process hub, one instance only. */
  redisUrl?: string | undefined;
  /** Namespace of the Redis channels, so that several deployments can share one Redis. */
  prefix?: string;
  /** Longest wait for Redis on publish, subscribe and ping before they fail with HubUnavailableError. */
  commandTimeoutMs?: number;
  /** How long, and how many, publishes wait for a Redis connection that is coming back. */
  publishHold?: { ms: number; limit: number };
  /** Connection state changes of the Redis hub, for logs and metrics. */
  onStatus?: StatusHandler;
  /** A listener threw, or a message was not JSON. Defaults to a process warning. */
  onDeliveryError?: DeliveryErrorHandler;
}

const warnDeliveryError: DeliveryErrorHandler = (error, group) => {
  process.emitWarning(`event hub listener of "${group}" failed: ${String(error)}`, "EventHubWarning");
};

/** The Redis hub when a URL is configured (rejects with HubUnavailableError if unreachable), else in-process. */
export async function createHub(options: CreateHubOptions = {}): Promise<EventHub> {
  const onDeliveryError = options.onDeliveryError ?? warnDeliveryError;
  if (!options.redisUrl) return new MemoryHub(onDeliveryError);
  return openRedisHub({
    url: options.redisUrl,
    prefix: options.prefix ?? HUB_DEFAULTS.prefix,
    commandTimeoutMs: options.commandTimeoutMs ?? HUB_DEFAULTS.commandTimeoutMs,
    publishHold: options.publishHold ?? HUB_DEFAULTS.publishHold,
    onStatus: options.onStatus ?? (() => undefined),
    onDeliveryError,
  });
}
