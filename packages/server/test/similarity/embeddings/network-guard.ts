import net from "node:net";
import { vi } from "vitest";

/**
 * Records every attempt to open a TCP connection or to fetch, and fails it, while `action` runs: every HTTP client
 * in Node (http, undici, node-fetch) goes through net.Socket#connect.
 */
export async function withoutNetwork<T>(
  action: () => Promise<T>,
): Promise<{ result: T; attempts: string[] }> {
  const attempts: string[] = [];
  const connect = vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (
    this: net.Socket,
    ...args
  ) {
    attempts.push(`connect ${JSON.stringify(args[0])}`);
    // Fails the way a refused connection does, so that the client under test sees an ordinary network error.
    process.nextTick(() => this.destroy(new Error("network access is not allowed here")));
    return this;
  });
  const fetch = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    attempts.push(`fetch ${String(input)}`);
    throw new Error("network access is not allowed here");
  });
  try {
    return { result: await action(), attempts };
  } finally {
    connect.mockRestore();
    fetch.mockRestore();
  }
}
