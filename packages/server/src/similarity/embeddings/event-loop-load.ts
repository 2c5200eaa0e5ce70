import { type EventLoopUtilization, performance } from "node:perf_hooks";

/**
 * How busy the thread that serves requests has been lately: the share of time its event loop spent working rather
 * than waiting (Node's event-loop utilization), over the window since the last reading at least `windowMs` old. Read
 * on demand, with no timer of its own.
 */
export class EventLoopLoad {
  #last: EventLoopUtilization = performance.eventLoopUtilization();
  #lastAt = performance.now();
  #utilization = 0;

  constructor(private readonly windowMs = 1000) {}

  /** From 0 (idle) to 1 (never waiting). */
  utilization(): number {
    const now = performance.now();
    if (now - this.#lastAt >= this.windowMs) {
      const current = performance.eventLoopUtilization();
      this.#utilization = performance.eventLoopUtilization(current, this.#last).utilization;
      this.#last = current;
      this.#lastAt = now;
    }
    return this.#utilization;
  }
}
