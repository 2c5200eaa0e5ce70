import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { TEST_REDIS_URL } from "./services.js";

const HOW_TO_START_REDIS =
  'start it with `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no ' +
  "--dir /var/lib/redis --logfile /var/log/redis/ci.log` (or point TEST_REDIS_URL at a running server)";

/**
 * Fails the test run with a how-to-start message instead of skipping when Redis is down. Only opens a TCP
 * connection: it needs no Redis client, and works whatever AUTH or TLS the URL asks for.
 */
export async function requireRedis(url = TEST_REDIS_URL): Promise<void> {
  const { hostname, port } = new URL(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = connect({
        host: hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
        port: Number(port) || 6379,
      });
      socket.setTimeout(2_000, () => socket.destroy(new Error("timed out")));
      socket.once("connect", () => {
        socket.end();
        resolve();
      });
      socket.once("error", reject);
    });
  } catch (error) {
    throw new Error(`Cannot connect to Redis at ${url} (${(error as Error).message}): ${HOW_TO_START_REDIS}`);
  }
}

/** A key and channel prefix no other test run uses, so that runs sharing one Redis never see each other. */
export function uniqueRedisPrefix(name = "test"): string {
  return `test:${name}:${Date.now().toString(36)}_${randomBytes(4).toString("hex")}:`;
}
