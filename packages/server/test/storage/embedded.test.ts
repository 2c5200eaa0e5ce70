import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataDirInUseError } from "../../src/storage/data-dir-lock.js";
import { openStorage } from "../../src/storage/index.js";
import { storageContract } from "./contract.js";

storageContract("embedded PGlite on disk", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "prompt-storage-"));
  return {
    open: () => openStorage({ dataDir }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
});

describe("the embedded data directory", () => {
  it("is refused to a second opener while the first has it, and free again once closed", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "prompt-lock-"));
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
    const dataDir = await mkdtemp(join(tmpdir(), "prompt-lock-"));
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
