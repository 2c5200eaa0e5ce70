import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Where the vector index is snapshotted for a fast start: one file per embedding model (a snapshot of another
 * model is simply not found, never mixed in), replaced atomically so that a crash mid-write leaves the previous
 * snapshot whole.
 */
export class SnapshotFile {
  readonly path: string;

  constructor(dataDir: string, modelId: string) {
    const safeModel = modelId.replace(/[^\w.-]+/g, "_");
    this.path = join(dataDir, "index", `vectors-${safeModel}.snapshot`);
  }

  /** The snapshot's bytes, or undefined when there is none. */
  async read(): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    await mkdir(join(this.path, ".."), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
