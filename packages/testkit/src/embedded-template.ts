import { cp, mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The server's own template mechanism (see embedded.ts): the testkit runs the server from its sources, where no
// built template ships, so it writes one of the same key into the temporary folder.
import {
  embeddedTemplateKey,
  openEmbedded,
  writeEmbeddedTemplate,
} from "../../server/src/storage/embedded.js";

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * A DATA_DIR holding a new database loaded from the server's template, made once per machine and per template key.
 * Most tests start a server on a fresh DATA_DIR, and copying this folder is faster still than loading the template's
 * tarball. Test files run in several processes at once, so it is built aside and renamed into place; a process that
 * loses that race uses the winner's.
 */
async function templateDataDir(): Promise<string> {
  const path = join(tmpdir(), `prompt-service-data-${embeddedTemplateKey()}`);
  if (await exists(path)) return path;
  const templates = join(tmpdir(), "prompt-service-templates");
  await writeEmbeddedTemplate(templates);
  const building = await mkdtemp(`${path}-building-`);
  try {
    const db = await openEmbedded(join(building, "pgdata"), { templates });
    await db.close();
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
  templatePath ??= templateDataDir();
  await cp(await templatePath, dataDir, { recursive: true });
}
