import type { FastifyBaseLogger } from "fastify";
import { IDEMPOTENCY_TTL_MS } from "../prompts/idempotency.js";
import type { Storage } from "../storage/index.js";

/**
 * Tombstones are read by the other instances' polls within seconds; an instance away for longer rebuilds what it
 * holds from the database. An hour is far beyond any poll.
 */
const TOMBSTONE_LIFETIME_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** Deletes what the database keeps only for a while: tombstones, and idempotency keys past their 24 hours. */
export function startHousekeeping(storage: Storage, log: FastifyBaseLogger): () => void {
  const timer = setInterval(async () => {
    try {
      const now = (await storage.now()).getTime();
      const swept = await storage.housekeeping.sweep(
        new Date(now - TOMBSTONE_LIFETIME_MS),
        new Date(now - IDEMPOTENCY_TTL_MS),
      );
      if (swept > 0) log.debug({ swept }, "tombstones and expired idempotency keys deleted");
    } catch (error) {
      log.warn({ err: error }, "housekeeping sweep failed; retrying later");
    }
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
