import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "../../src/storage/index.js";
import { storageContract } from "./contract.js";

storageContract("embedded PGlite on disk", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "prompt-storage-"));
  return {
    open: () => openStorage({ dataDir }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
});
