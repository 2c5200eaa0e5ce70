import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedEmbeddedDataDir } from "@prompt-service/testkit";
import { describe, expect, it } from "vitest";
import { DataDirInUseError } from "../../src/storage/data-dir-lock.js";
import { openStorage } from "../../src/storage/index.js";
import { storageContract } from "./contract.js";

// A copy of a migrated directory, as a fresh one would be after its first open: the tests below open fresh ones.
storageContract("embedded PGlite on disk", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "prompt-storage-"));
  return {
    open: async () => {
      await seedEmbeddedDataDir(dataDir);
      return openStorage({ dataDir });
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
});

/**
 * A DATA_DIR holding a copy of a migrated database. The lock is what these tests are about: creating the database
 * (initdb) took most of their time, and past their timeout on a busy machine.
 */
async function seededDataDir(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), "prompt-lock-"));
  await seedEmbeddedDataDir(dataDir);
  return dataDir;
}

describe("the embedded data directory", () => {
  it("is refused to a second opener while the first has it, and free again once closed", async () => {
    const dataDir = await seededDataDir();
    try {
      const first = await openStorage({ dataDir });
      await expect(openStorage({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
      await first.close();
      const second = await openStorage({ dataDir });
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("is taken over from a process that died holding it", async () => {
    const dataDir = await seededDataDir();
    try {
      // A pid that is not running: the lock a crashed server leaves behind.
      const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid as number;
      await mkdir(join(dataDir, "pgdata"), { recursive: true });
      await writeFile(join(dataDir, "pgdata", "server.lock"), String(dead));
      const storage = await openStorage({ dataDir });
      await storage.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the embedded data directory under pid reuse", () => {
  const HOLDER = fileURLToPath(new URL("./fixtures/hold-data-dir.ts", import.meta.url));

  it("is taken over from a dead process whose pid is now this process's own", async () => {
    const dataDir = await seededDataDir();
    try {
      // What a container's PID 1 finds after an out-of-memory kill: its own pid, written by its predecessor.
      const boot = (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
      await mkdir(join(dataDir, "pgdata"), { recursive: true });
      const lock = JSON.stringify({ pid: process.pid, boot, started: "1" });
      await writeFile(join(dataDir, "pgdata", "server.lock"), lock);
      const storage = await openStorage({ dataDir });
      await storage.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("lets a server that runs as PID 1 start again after it was killed", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "prompt-lock-pid1-"));
    // A new pid namespace with its own /proc, as a container has: the server is PID 1 every time. --kill-child: the
    // SIGKILL sent to unshare reaches the server inside too (as a container stop would), or it would outlive the test.
    const holdAsPid1 = () =>
      spawn(
        "unshare",
        [
          "--pid",
          "--fork",
          "--kill-child",
          "--mount-proc",
          process.execPath,
          "--import",
          "tsx",
          HOLDER,
          dataDir,
        ],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    const opened = async (child: ReturnType<typeof holdAsPid1>) => {
      let output = "";
      child.stdout?.on("data", (chunk) => (output += chunk));
      child.stderr?.on("data", (chunk) => (output += chunk));
      const exited = once(child, "exit");
      for (let waited = 0; !output.includes("open as pid") && waited < 60_000; waited += 50) {
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { output, exited };
    };
    try {
      const first = holdAsPid1();
      const { output: firstOutput, exited } = await opened(first);
      expect(firstOutput).toContain("open as pid 1");
      first.kill("SIGKILL");
      await exited;
      expect(JSON.parse(await readFile(join(dataDir, "pgdata", "server.lock"), "utf8"))).toMatchObject({
        pid: 1,
      });

      const second = holdAsPid1();
      const { output: secondOutput, exited: secondExited } = await opened(second);
      second.kill("SIGKILL");
      await secondExited;
      expect(secondOutput).toContain("open as pid 1");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("never lets two processes starting together both open the directory", async () => {
    const dataDir = await seededDataDir();
    try {
      const attempts = await Promise.allSettled(Array.from({ length: 4 }, () => openStorage({ dataDir })));
      const opened = attempts.filter((attempt) => attempt.status === "fulfilled");
      expect(opened).toHaveLength(1);
      for (const attempt of attempts) {
        if (attempt.status === "rejected") expect(attempt.reason).toBeInstanceOf(DataDirInUseError);
      }
      for (const attempt of opened) await attempt.value.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
