import { requireRedis, TEST_REDIS_URL } from "@prompt-service/testkit";
import { Redis } from "ioredis";

/** A connection to the test Redis; fails the run with a how-to-start message instead of skipping when it is down. */
export async function connectTestRedis(): Promise<Redis> {
  await requireRedis();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0 });
  await redis.ping();
  return redis;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  }
}
