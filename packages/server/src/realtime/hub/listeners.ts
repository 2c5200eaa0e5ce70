import { decodeEvent } from "./codec.js";
import type { DeliveryErrorHandler, Listener } from "./port.js";

/** One subscription; a distinct object per call, so one function subscribed twice is two subscriptions. */
export interface Subscription {
  readonly listener: Listener;
}

/**
 * The listeners of this instance by group, and the reference count that adapters turn into channel subscriptions:
 * `add` says when a group gains its first listener, `remove` when it loses its last.
 */
export class GroupListeners {
  private readonly groups = new Map<string, Set<Subscription>>();

  constructor(private readonly onDeliveryError: DeliveryErrorHandler) {}

  /** Returns true when `subscription` is the group's first listener. */
  add(group: string, subscription: Subscription): boolean {
    const listeners = this.groups.get(group);
    if (listeners) {
      listeners.add(subscription);
      return false;
    }
    this.groups.set(group, new Set([subscription]));
    return true;
  }

  /** Returns true when `subscription` was the group's last listener; false too when it was already removed. */
  remove(group: string, subscription: Subscription): boolean {
    const listeners = this.groups.get(group);
    if (!listeners?.delete(subscription)) return false;
    if (listeners.size > 0) return false;
    this.groups.delete(group);
    return true;
  }

  /** The groups that have at least one listener. */
  activeGroups(): string[] {
    return [...this.groups.keys()];
  }

  /** Calls every listener of `group` with its own copy of the event, isolating each listener's failure. */
  deliver(group: string, json: string): void {
    const listeners = this.groups.get(group);
    if (!listeners) return;
    // A snapshot: a listener subscribed during this delivery waits for the next event; one removed is skipped.
    for (const subscription of [...listeners]) {
      if (!listeners.has(subscription)) continue;
      try {
        const result = subscription.listener(decodeEvent(json), json);
        if (result instanceof Promise) result.catch((error: unknown) => this.onDeliveryError(error, group));
      } catch (error) {
        this.onDeliveryError(error, group);
      }
    }
  }

  clear(): void {
    this.groups.clear();
  }
}
