import type { MarkedIds } from "./port.js";
/**
 * The little both adapters must offer so that one SQL implementation of the repositories (and one set of
 * migrations) serves PostgreSQL and PGlite alike.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** node-postgres returns bigint columns as strings and PGlite as numbers; ids stay far below 2^53. */
export const toId = (value: string | number | bigint): number => Number(value);

/** SQLSTATE of a unique violation, the same in PostgreSQL and PGlite. */
export const UNIQUE_VIOLATION = "23505";

/** What a database error may carry of the data it was given: statements, parameters, and rows quoted in details. */
const DATA_BEARING_FIELDS = ["query", "params", "parameters", "detail", "where", "internalQuery"];

/**
 * The same error without the statement, its parameters or the values quoted in its detail: they hold prompts,
 * answers and vectors, and errors are logged. The SQLSTATE code and the message stay.
 */
export function withoutData(error: unknown): unknown {
  if (typeof error === "object" && error !== null) {
    for (const field of DATA_BEARING_FIELDS) {
      if (field in error) delete (error as Record<string, unknown>)[field];
    }
  }
  return error;
}

/**
 * The ids of `table` whose `marked` time is at or after `since`, with the database's clock as it read them (one
 * row even when none matched): what other instances' tombstone polls read. Table and columns are the callers'
 * constants, never input.
 */
export async function markedSince(
  db: SqlExecutor,
  mark: { table: string; id: string; marked: string },
  since: Date,
): Promise<MarkedIds> {
  const { rows } = await db.query<{ id: string | number | null; now: Date }>(
    `SELECT m.${mark.id} AS id, t.now FROM (SELECT now() AS now) t
       LEFT JOIN ${mark.table} m ON m.${mark.marked} >= $1`,
    [since],
  );
  return {
    now: (rows[0] as { now: Date }).now,
    ids: rows.flatMap((row) => (row.id === null ? [] : [toId(row.id)])),
  };
}
