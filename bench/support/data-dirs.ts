import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "../../packages/server/src/storage/index.js";

/**
 * Temporary DATA_DIRs for benchmark servers. Creating an embedded database runs PGlite's initdb (about 6 s); every
 * server but the one measuring a cold start gets a copy of one made at the first call instead.
 */
export class DataDirs {
  readonly #made: string[] = [];
  #template: Promise<string> | undefined;

  /** An empty directory. */
  async empty(label = "data"): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `prompt-bench-${label}-`));
    this.#made.push(dir);
    return dir;
  }

  /** A directory holding an embedded database with the current schema and no rows. */
  async withDatabase(label = "data"): Promise<string> {
    this.#template ??= (async () => {
      const template = await this.empty("template");
      const storage = await openStorage({ dataDir: template });
      await storage.close();
      return template;
    })();
    const dir = await this.empty(label);
    await cp(await this.#template, dir, { recursive: true });
    return dir;
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.#made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
