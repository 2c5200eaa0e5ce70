import { createTestSchema } from "@prompt-service/testkit";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openStorage } from "../../src/storage/index.js";
import { MIGRATIONS } from "../../src/storage/migrations/index.js";

const schema = await createTestSchema("migrate");
afterAll(() => schema.drop());

it("applies every migration exactly once when two instances start at the same moment", async () => {
  const instances = await Promise.all([
    openStorage({ databaseUrl: schema.databaseUrl, schema: schema.name }),
    openStorage({ databaseUrl: schema.databaseUrl, schema: schema.name }),
  ]);
  const again = await openStorage({ databaseUrl: schema.databaseUrl, schema: schema.name });
  await Promise.all([...instances, again].map((storage) => storage.close()));

  const client = new pg.Client({ connectionString: schema.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT version FROM ${schema.name}.schema_migrations ORDER BY version`,
    );
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    const tables = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
      [schema.name],
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      "prompts",
      "refresh_tokens",
      "schema_migrations",
      "users",
    ]);
  } finally {
    await client.end();
  }
});
