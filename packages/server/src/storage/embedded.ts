import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lockDataDir } from "./data-dir-lock.js";
import { type SqlDatabase, type SqlExecutor, withoutData } from "./sql.js";

const executor = (db: PGlite | Transaction): SqlExecutor => ({
  query: async <Row>(text: string, params?: unknown[]) => {
    try {
      const result = await db.query<Row>(text, params);
      return { rows: result.rows };
    } catch (error) {
      throw withoutData(error);
    }
  },
  exec: async (script) => {
    await db.exec(script).catch((error: unknown) => Promise.reject(withoutData(error)));
  },
});

/**
 * PostgreSQL compiled to WebAssembly, in-process, persisted in `directory` (or in memory when it is undefined):
 * the zero-setup default. One process at a time may open a directory: a second is refused (DataDirInUseError).
 */
export async function openEmbedded(directory: string | undefined): Promise<SqlDatabase> {
  let release = async () => {};
  if (directory) {
    await mkdir(directory, { recursive: true });
    release = await lockDataDir(directory);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(directory ?? "memory://");
  } catch (error) {
    await release();
    throw error;
  }
  return {
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    async close() {
      await db.close();
      await release();
    },
  };
}
