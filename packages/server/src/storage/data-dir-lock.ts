import { randomBytes } from "node:crypto";
import { link, readFile, rename, rm, writeFile } from "node:fs/promises";
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

/**
 * Who holds the lock: a pid alone is not enough, because pids are reused. In a container the server is PID 1 at
 * every start, so a lock left by a killed server names a "live" process: itself. The kernel's boot id and the
 * process's start time (in clock ticks since boot, from /proc) tell one process from a later one with the same pid.
 */
interface Owner {
  pid: number;
  /** undefined where /proc is not available: only the pid is compared. */
  boot?: string;
  started?: string;
}

async function procStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing parenthesis.
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

async function bootId(): Promise<string | undefined> {
  return (await readFile("/proc/sys/kernel/random/boot_id", "utf8").catch(() => undefined))?.trim();
}

async function currentOwner(): Promise<Owner> {
  const [boot, started] = await Promise.all([bootId(), procStartTime(process.pid)]);
  return { pid: process.pid, ...(boot && started ? { boot, started } : {}) };
}

function parseOwner(text: string): Owner | undefined {
  try {
    const owner = JSON.parse(text) as Owner;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : undefined;
  } catch {
    // The plain pid written by earlier versions.
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 ? { pid } : undefined;
  }
}

async function isAlive(owner: Owner): Promise<boolean> {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (owner.boot === undefined || owner.started === undefined) return owner.pid !== process.pid;
  if (owner.boot !== (await bootId())) return false;
  return owner.started === (await procStartTime(owner.pid));
}

/**
 * Claims `directory` for this process: PGlite is a single-process database, and two processes writing one data
 * directory corrupt it. Written by hand rather than with a lock library because those judge staleness by age, which
 * would keep a server restarted right after a crash (SIGKILL, an out-of-memory kill) waiting; the owner check frees
 * a dead owner's lock at once, and an embedded directory is only ever shared on one host.
 *
 * The lock file appears whole or not at all: its content is written to a file of our own, which is then hard-linked
 * to the lock's name (link fails if the name exists), so no process ever reads a half-written lock. A stale lock is
 * renamed away before the next attempt, and put back if what was renamed turns out to be another process's fresh
 * lock. Returns the release function.
 */
export async function lockDataDir(directory: string): Promise<() => Promise<void>> {
  const path = join(directory, "server.lock");
  const mine = JSON.stringify(await currentOwner());
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(draft, mine);
  try {
    for (;;) {
      try {
        await link(draft, path);
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const seen = await readFile(path, "utf8").catch(() => undefined);
      if (seen === undefined) continue;
      const owner = parseOwner(seen);
      if (owner && (await isAlive(owner))) throw new DataDirInUseError(directory, owner.pid);
      await takeOver(path, seen);
    }
  } finally {
    await rm(draft, { force: true });
  }
}

/** Moves a stale lock out of the way, unless another process replaced it meanwhile. */
async function takeOver(path: string, stale: string): Promise<void> {
  const aside = `${path}.stale.${randomBytes(4).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if ((await readFile(aside, "utf8")) !== stale) {
    // Another process took the stale lock over first, and this was its fresh one: give it back.
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}
