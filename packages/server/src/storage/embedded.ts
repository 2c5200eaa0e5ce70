import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { SqlDatabase, SqlExecutor } from "./sql.js";

const executor = (db: PGlite | Transaction): SqlExecutor => ({
  query: async <Row>(text: string, params?: unknown[]) => {
    const result = await db.query<Row>(text, params);
    return { rows: result.rows };
  },
  exec: async (script) => {
    await db.exec(script);
  },
});

/**
 * PostgreSQL compiled to WebAssembly, in-process, persisted in `directory` (or in memory when it is undefined):
 * the zero-setup default. One process at a time may open a directory.
 */
export async function openEmbedded(directory: string | undefined): Promise<SqlDatabase> {
  if (directory) await mkdir(directory, { recursive: true });
  const db = await PGlite.create(directory ?? "memory://");
  return {
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    close: () => db.close(),
  };
}
