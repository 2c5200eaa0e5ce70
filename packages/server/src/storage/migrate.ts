import { MIGRATIONS, type Migration } from "./migrations/index.js";
import type { SqlDatabase } from "./sql.js";

/** Arbitrary key of the advisory lock that serialises migrations when several instances start at once. */
const MIGRATION_LOCK_KEY = 4_711_202_611;

/**
 * Applies the migrations this database has not seen yet, in one transaction under an advisory lock: idempotent,
 * and safe when two instances start together (the second waits, then finds nothing to do).
 * Returns the versions it applied.
 */
export async function migrate(
  db: SqlDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((row) => Number(row.version)));
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
    }
    return pending.map((migration) => migration.version);
  });
}
