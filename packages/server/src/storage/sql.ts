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
