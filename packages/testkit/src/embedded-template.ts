import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openStorage } from "@prompt-service/server";

const serverPackage = dirname(createRequire(import.meta.url).resolve("@prompt-service/server/package.json"));
const migrationsDir = join(serverPackage, "src", "storage", "migrations");

/**
 * The template's name changes with anything that changes what a fresh DATA_DIR holds: the migrations, and the
 * PGlite build that wrote it (its entry file's size and time stand for its version, which it does not export).
 */
async function templateKey(): Promise<string> {
  const hash = createHash("sha256");
  const pglite = await stat(
    createRequire(join(serverPackage, "package.json")).resolve("@electric-sql/pglite"),
  );
  hash.update(`${pglite.size}:${pglite.mtimeMs}`);
  for (const name of (await readdir(migrationsDir)).sort()) {
    hash.update(name).update(await readFile(join(migrationsDir, name)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * A migrated embedded DATA_DIR, made once per machine and per schema: PGlite's initdb and the migrations take
 * seconds, a copy of their result a fraction of that, and most tests start a server on a fresh DATA_DIR. Test files
 * run in several processes at once, so it is built aside and renamed into place; a process that loses that race
 * uses the winner's.
 */
async function template(): Promise<string> {
  const path = join(tmpdir(), `prompt-service-template-${await templateKey()}`);
  if (await exists(path)) return path;
  const building = await mkdtemp(`${path}-building-`);
  try {
    const storage = await openStorage({ dataDir: building });
    await storage.close();
    await rename(building, path);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if (!(await exists(path))) throw error;
  }
  return path;
}

let templatePath: Promise<string> | undefined;

/**
 * Fills `dataDir` (created if needed) with a copy of a migrated embedded database, unless it already holds one: a
 * test that starts a server twice on one DATA_DIR finds its own data the second time.
 */
export async function seedEmbeddedDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if ((await readdir(dataDir)).length > 0) return;
  templatePath ??= template();
  await cp(await templatePath, dataDir, { recursive: true });
}
