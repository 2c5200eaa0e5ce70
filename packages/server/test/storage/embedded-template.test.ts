import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedTemplateKey, openEmbedded, writeEmbeddedTemplate } from "../../src/storage/embedded.js";
import { migrate } from "../../src/storage/migrate.js";
import { MIGRATIONS } from "../../src/storage/migrations/index.js";
import type { SqlDatabase } from "../../src/storage/sql.js";

/** Whether the database holds the migrations' table: loaded from a template, before the server migrates it. */
async function isMigrated(db: SqlDatabase): Promise<boolean> {
  const { rows } = await db.query<{ table: string | null }>(
    "SELECT to_regclass('schema_migrations') AS table",
  );
  return rows[0]?.table !== null;
}

describe("the embedded database template", () => {
  let work: string;
  let templates: string;
  let template: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "prompt-template-"));
    templates = join(work, "templates");
    template = await writeEmbeddedTemplate(templates);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("is named by this server's key, and a new database loaded from it is at the latest migration", async () => {
    expect(basename(template)).toBe(`pgdata-template-${embeddedTemplateKey()}.tar.gz`);
    const db = await openEmbedded(join(work, "new", "pgdata"), { templates });
    try {
      expect(await isMigrated(db)).toBe(true);
      const { rows } = await db.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((row) => Number(row.version))).toEqual(
        MIGRATIONS.map((migration) => migration.version),
      );
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("has a key that changes with PGlite's version and with every migration", () => {
    const made = { pglite: "0.5.16", migrations: MIGRATIONS };
    const key = embeddedTemplateKey(made);
    expect(embeddedTemplateKey({ ...made, pglite: "0.5.17" })).not.toBe(key);
    const added = { version: MIGRATIONS.length + 1, name: "added", sql: "CREATE TABLE added (id int)" };
    expect(embeddedTemplateKey({ ...made, migrations: [...MIGRATIONS, added] })).not.toBe(key);
    const [first, ...rest] = MIGRATIONS;
    const edited = { ...(first as (typeof MIGRATIONS)[number]), sql: `${first?.sql}\n-- edited` };
    expect(embeddedTemplateKey({ ...made, migrations: [edited, ...rest] })).not.toBe(key);
    expect(embeddedTemplateKey(made)).toBe(key);
  });

  it("is ignored when it has another key: the new database is made by initdb, then migrated", async () => {
    const stale = join(work, "stale");
    await mkdir(stale);
    await copyFile(template, join(stale, "pgdata-template-0000000000000000.tar.gz"));
    const db = await openEmbedded(join(work, "from-initdb", "pgdata"), { templates: stale });
    try {
      expect(await isMigrated(db)).toBe(false);
      expect(await migrate(db)).toEqual(MIGRATIONS.map((migration) => migration.version));
    } finally {
      await db.close();
    }
  });

  it("is written again in place of a template of another key", async () => {
    const folder = join(work, "rewrite");
    await mkdir(folder);
    await copyFile(template, join(folder, "pgdata-template-0000000000000000.tar.gz"));
    await writeEmbeddedTemplate(folder);
    expect(await readdir(folder)).toEqual([basename(template)]);
  });

  it("is never loaded over a database that exists", async () => {
    const directory = join(work, "existing", "pgdata");
    const first = await openEmbedded(directory, { templates });
    await first.exec("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
    await first.close();
    const again = await openEmbedded(directory, { templates });
    try {
      expect((await again.query<{ id: number }>("SELECT id FROM kept")).rows).toEqual([{ id: 1 }]);
    } finally {
      await again.close();
    }
  });
});
