import { createTestSchema } from "@prompt-service/testkit";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openStorage } from "../../src/storage/index.js";
import { migrate } from "../../src/storage/migrate.js";
import { MIGRATIONS } from "../../src/storage/migrations/index.js";
import { openPostgres } from "../../src/storage/postgres.js";

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
      "account_deletions",
      "api_keys",
      "idempotency_keys",
      "prompt_deletions",
      "prompts",
      "refresh_tokens",
      "schema_migrations",
      "usage_days",
      "users",
    ]);
  } finally {
    await client.end();
  }
});

it("upgrades the previous release's data in place: users, prompts and tokens stay, usage is counted from the prompts, and names that differ only in case are kept", async () => {
  const previous = await createTestSchema("upgrade");
  try {
    // The schema of the release before API keys and usage (migrations 1 to 5), with data in it.
    const db = await openPostgres({ connectionString: previous.databaseUrl, schema: previous.name });
    await migrate(
      db,
      MIGRATIONS.filter((migration) => migration.version <= 5),
    );
    await db.exec(`
      INSERT INTO users (username, email, password_hash) VALUES ('Alice', 'a@x.io', 'h'), ('alice', 'b@x.io', 'h');
      INSERT INTO prompts (user_id, prompt, response, model, created_at)
        SELECT id, 'old question', 'old answer', 'mock', '2026-01-02T03:04:05Z' FROM users WHERE username = 'Alice';
      INSERT INTO prompts (user_id, prompt, response, model, created_at, reused_from)
        SELECT user_id, 'old question', 'old answer', 'mock', '2026-01-02T09:00:00Z', id FROM prompts;
    `);
    await db.close();

    const storage = await openStorage({ databaseUrl: previous.databaseUrl, schema: previous.name });
    try {
      const alice = await storage.users.findByUsername("Alice");
      expect(alice).toBeDefined();
      expect(await storage.users.findByUsername("alice")).toBeDefined();
      const prompts = await storage.prompts.list(alice?.id as number, { limit: 10 });
      expect(prompts.map((prompt) => [prompt.prompt, prompt.promptTokens, prompt.messages])).toEqual([
        ["old question", 0, null],
        ["old question", 0, null],
      ]);
      expect(await storage.usage.daysOf(alice?.id as number, 100_000)).toEqual([
        { date: "2026-01-02", prompts: 2, modelCalls: 1, reused: 1, promptTokens: 0, completionTokens: 0 },
      ]);
      // A third "ALICE" is refused by the rule, though the old pair stays.
      expect(await storage.users.usernameTaken("ALICE")).toBe(true);
    } finally {
      await storage.close();
    }
  } finally {
    await previous.drop();
  }
});
