import type { Listener } from "../../../src/realtime/hub/index.js";

const WAIT_MS = 5_000;

/** A listener that records what it receives, and lets a test wait for it. */
export interface Recorder {
  listener: Listener;
  events: Record<string, unknown>[];
  /** The JSON texts received, alongside `events`. */
  texts: string[];
  /** Resolves once `count` events have arrived in total; rejects after a few seconds. */
  waitFor(count: number): Promise<Record<string, unknown>[]>;
}

export function recorder(): Recorder {
  const events: Record<string, unknown>[] = [];
  const texts: string[] = [];
  const waiters = new Set<() => void>();
  return {
    events,
    texts,
    listener(event, json) {
      events.push(event);
      texts.push(json);
      for (const wake of waiters) wake();
    },
    waitFor(count) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (events.length < count) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(events);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`expected ${count} events within ${WAIT_MS} ms, got ${JSON.stringify(events)}`));
        }, WAIT_MS);
        waiters.add(wake);
        check();
      });
    },
  };
}
