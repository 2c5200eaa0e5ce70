import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

/** Another live process has the embedded database open. */
export class DataDirInUseError extends Error {
  constructor(directory: string, pid: number) {
    super(
      `the embedded database in ${directory} is in use by process ${pid}; several instances need a shared ` +
        "PostgreSQL (DATABASE_URL), or each its own DATA_DIR",
    );
    this.name = "DataDirInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims `directory` for this process: PGlite is a single-process database, and two processes writing one data
 * directory corrupt it. The lock file holds our pid. Written by hand rather than with a lock library because those
 * judge staleness by age, which would keep a server restarted right after a crash (SIGKILL, power loss) waiting;
 * a pid check frees a dead owner's lock at once, and an embedded directory is only ever shared on one host.
 * Returns the release function.
 */
export async function lockDataDir(directory: string): Promise<() => Promise<void>> {
  const path = join(directory, "server.lock");
  for (;;) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new DataDirInUseError(directory, owner);
    }
    // A dead owner's lock (or one being written this instant, read as empty): take it over and try again.
    await rm(path, { force: true });
  }
}
