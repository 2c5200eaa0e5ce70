import { LRUCache } from "lru-cache";
import { decide, type WindowState } from "./decision.js";
import type { RateLimitDecision, RateLimiter } from "./port.js";
import type { RateLimitRule } from "./rules.js";

interface MemoryRateLimiterOptions {
  /** Milliseconds on a monotonic clock; injectable so that tests control time. */
  now?: () => number;
  /** Keys kept at most; past it the least recently used key is forgotten. Default 100,000. */
  maxKeys?: number;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Counts in this process only: for a single instance, or when no Redis is configured. Each key keeps a sliding
 * log of the times its admitted requests arrived, within the longest window, so the windows are exact (no burst
 * across a boundary) and a key holds at most as many entries as the longest window's limit. The keys are bounded
 * too (`maxKeys`): keys an attacker makes up (a username per attempt) cannot grow memory without end; forgetting
 * the least recently used key only ever forgets the quietest counts.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly logs: LRUCache<string, number[]>;
  private readonly now: () => number;
  private readonly longestMs: number;
  private lastSweep: number;

  constructor(
    readonly rules: readonly RateLimitRule[],
    options: MemoryRateLimiterOptions = {},
  ) {
    // performance.now, not Date.now: a wall clock set back would reopen windows that are full.
    this.now = options.now ?? (() => performance.now());
    this.longestMs = Math.max(...rules.map((rule) => rule.windowMs));
    // Bounded by maxSize (a key counts 1) rather than max, which would allocate room for every key up front.
    this.logs = new LRUCache({ maxSize: options.maxKeys ?? DEFAULT_MAX_KEYS, sizeCalculation: () => 1 });
    this.lastSweep = this.now();
  }

  /** Keys currently tracked; idle keys are dropped within two of the longest windows. */
  get size(): number {
    return this.logs.size;
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const now = this.now();
    this.sweep(now);
    const log = this.logs.get(key) ?? [];
    log.splice(0, firstAfter(log, now - this.longestMs));
    const decision = decide(
      this.rules,
      this.rules.map((rule) => windowState(log, rule, now)),
    );
    if (decision.allowed) log.push(now);
    if (log.length > 0) this.logs.set(key, log);
    else this.logs.delete(key);
    return decision;
  }

  /** Once per longest window, drops the keys nobody has asked about since, so memory stays bounded. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.longestMs) return;
    this.lastSweep = now;
    const idle: string[] = [];
    this.logs.forEach((log, key) => {
      if ((log.at(-1) ?? Number.NEGATIVE_INFINITY) <= now - this.longestMs) idle.push(key);
    });
    for (const key of idle) this.logs.delete(key);
  }
}

function windowState(log: readonly number[], rule: RateLimitRule, now: number): WindowState {
  const start = firstAfter(log, now - rule.windowMs);
  const used = log.length - start;
  if (used < rule.limit) return { used, freeInMs: 0 };
  // The window has room again once `used - limit + 1` of its oldest entries have left it.
  const freeAt = log[start + used - rule.limit] ?? now;
  return { used, freeInMs: freeAt + rule.windowMs - now };
}

/** Index of the first time in the ascending `log` later than `time` (a request at `time` has left the window). */
function firstAfter(log: readonly number[], time: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((log[middle] ?? 0) > time) high = middle;
    else low = middle + 1;
  }
  return low;
}
