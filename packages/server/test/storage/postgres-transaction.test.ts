/**
 * PostgreSQL cut off in the middle of a transaction, between two of its queries: the transaction fails and the
 * process lives on (found by `npm run chaos`, where both instances exited on an uncaught 'error' event).
 */
import { startTcpProxy, TEST_DATABASE_URL } from "@prompt-service/testkit";
import { expect, it, vi } from "vitest";
import { openPostgres } from "../../src/storage/postgres.js";

it("fails the transaction, reports the connection's death and serves again once PostgreSQL is back", async () => {
  const proxy = await startTcpProxy(TEST_DATABASE_URL, 5432);
  const reported: Error[] = [];
  const db = await openPostgres({
    connectionString: proxy.url,
    onIdleError: (error) => reported.push(error),
  });
  try {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("SELECT 1");
        proxy.cut();
        await vi.waitFor(() => expect(reported.length).toBeGreaterThan(0));
        await tx.query("SELECT 1");
      }),
    ).rejects.toThrow();
    proxy.restore();
    expect((await db.query<{ n: number }>("SELECT 1 AS n")).rows).toEqual([{ n: 1 }]);
  } finally {
    await db.close();
    await proxy.close();
  }
});
