import { encodeEvent } from "./codec.js";
import { GroupListeners, type Subscription } from "./listeners.js";
import {
  type DeliveryErrorHandler,
  type EventHub,
  type HubEvent,
  HubUnavailableError,
  type Listener,
  type Unsubscribe,
} from "./port.js";

/** The in-process hub: the default without Redis, right for exactly one server instance. */
export class MemoryHub implements EventHub {
  readonly kind = "memory";
  private readonly listeners: GroupListeners;
  private closed = false;

  constructor(onDeliveryError: DeliveryErrorHandler) {
    this.listeners = new GroupListeners(onDeliveryError);
  }

  async publish(group: string, event: HubEvent): Promise<void> {
    this.assertOpen();
    this.listeners.deliver(group, encodeEvent(event));
  }

  async subscribe(group: string, listener: Listener): Promise<Unsubscribe> {
    this.assertOpen();
    const subscription: Subscription = { listener };
    this.listeners.add(group, subscription);
    return async () => {
      this.listeners.remove(group, subscription);
    };
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new HubUnavailableError("the event hub is closed");
  }
}
