import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { EventLoopLoad } from "../../../src/similarity/embeddings/index.js";

/** Holds the event loop for `ms`, as a burst of requests would. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning: the loop does no waiting
  }
}

describe("EventLoopLoad", () => {
  it("reads the share of the last window the event loop spent working", async () => {
    const load = new EventLoopLoad(100);
    busy(150);
    // The window since the reading made at construction: all work, no waiting.
    expect(load.utilization()).toBeGreaterThan(0.9);
    // Within the window, the same reading is given again.
    expect(load.utilization()).toBeGreaterThan(0.9);
    // The loop waits on a timer: the next window is almost all waiting.
    await sleep(150);
    expect(load.utilization()).toBeLessThan(0.3);
  });
});
