import pg from "pg";
import { type SqlDatabase, type SqlExecutor, UNIQUE_VIOLATION, withoutData } from "./sql.js";

interface PostgresOptions {
  connectionString: string;
  /** Schema to create and use instead of `public`: lets several services or test runs share one database. */
  schema?: string;
  /** Called with errors of idle connections (a restarted server); the pool replaces them on next use. */
  onIdleError?: (error: Error) => void;
  max?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const executor = (client: pg.PoolClient | pg.Pool): SqlExecutor => ({
  query: async <Row>(text: string, params?: unknown[]) => {
    try {
      const result = await client.query(text, params);
      return { rows: result.rows as Row[] };
    } catch (error) {
      throw withoutData(error);
    }
  },
  exec: async (script) => {
    await client.query(script).catch((error: unknown) => Promise.reject(withoutData(error)));
  },
});

/** IF NOT EXISTS is not atomic: an instance starting at the same moment may create it first, which is fine. */
async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
  }
}

/** A pooled node-postgres database. */
export async function openPostgres(options: PostgresOptions): Promise<SqlDatabase> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}"`);
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    // A partitioned or restarting server must fail queries, not hold requests (and pooled connections) forever.
    query_timeout: 10_000,
    statement_timeout: 10_000,
    keepAlive: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // Without a listener, an idle client's error (PostgreSQL restarting) would crash the process.
  pool.on("error", (error) => options.onIdleError?.(error));
  try {
    if (schema) await createSchema(pool, schema);
    else await pool.query("SELECT 1");
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    ...executor(pool),
    async transaction(work) {
      const client = await pool.connect();
      // A client checked out of the pool has none of the pool's listeners: its connection dying between two
      // queries of the transaction (PostgreSQL cut off) was an uncaught 'error' event that ended the process.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
        options.onIdleError?.(error);
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const result = await work(executor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.off("error", onError);
        // A broken connection is dropped rather than handed out again.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
