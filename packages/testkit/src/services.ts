import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL and Redis that tests talk to: TEST_DATABASE_URL and TEST_REDIS_URL, or this machine's defaults. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const HOW_TO_START_POSTGRES =
  "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` " +
  "(or point TEST_DATABASE_URL at a running server)";

/** Fails the test run with a how-to-start message instead of skipping when PostgreSQL is down. */
async function connectOrExplain(client: pg.Client): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Cannot connect to PostgreSQL at ${TEST_DATABASE_URL} (${(error as Error).message}): ${HOW_TO_START_POSTGRES}`,
    );
  }
}

export interface TestSchema {
  /** A schema no other test run uses. */
  name: string;
  databaseUrl: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL schema, so that test files and concurrent CI runs sharing one database never see each
 * other's rows. The storage adapter creates it on open; `drop` removes it.
 */
export async function createTestSchema(prefix = "test"): Promise<TestSchema> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await connectOrExplain(client);
  await client.end();
  return {
    name,
    databaseUrl: TEST_DATABASE_URL,
    async drop() {
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
