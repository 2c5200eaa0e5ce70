/**
 * One part of an idle server, alone in this process (run by bench/idle-memory.ts): prints the RSS before and after
 * loading it, as JSON, once a full GC has run. `node` loads nothing (the process's own cost is the "before").
 *
 *   node --expose-gc --import tsx bench/support/idle-memory-part.ts <part> [DATA_DIR]
 *
 * Parts: node, pglite (a new DATA_DIR, from the template), "pglite, reopened" and
 * "pglite, reopened, shared_buffers=16MB" (the DATA_DIR the previous made), model, tokenizer.
 */
import { readFile } from "node:fs/promises";

const part = process.argv[2];

async function rssMb(): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const status = await readFile("/proc/self/status", "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

const before = await rssMb();
switch (part) {
  case "node":
    break;
  case "pglite": {
    // As the server opens a new DATA_DIR: from the database template its build ships.
    const templates = new URL("../../packages/server/dist/", import.meta.url).pathname;
    const { openEmbedded } = await import("../../packages/server/src/storage/embedded.js");
    await openEmbedded(process.argv[3], { templates });
    break;
  }
  case "pglite, reopened":
  case "pglite, reopened, shared_buffers=16MB": {
    // As openEmbedded reopens a DATA_DIR; the second with less than PGlite's default of 128 MB, nothing else differs.
    const { PGlite } = await import("@electric-sql/pglite");
    const smaller = part.endsWith("16MB") ? ["-c", "shared_buffers=16MB"] : [];
    await PGlite.create(process.argv[3], { startParams: [...PGlite.defaultStartParams, ...smaller] });
    break;
  }
  case "model": {
    // One worker thread, as EMBEDDING_THREADS' default gives a 2-core machine: the model loaded and warmed up.
    const { WorkerPoolEmbedder } = await import("../../packages/server/src/similarity/embeddings/index.js");
    await WorkerPoolEmbedder.start({ kind: "bundled" }, { threads: 1 });
    break;
  }
  case "tokenizer": {
    const { countTokens } = await import("../../packages/server/src/llm/token-count.js");
    await countTokens(["How many tokens is this?"]);
    break;
  }
  default:
    throw new Error(`unknown part ${part}`);
}
process.stdout.write(`${JSON.stringify({ part, beforeMb: before, afterMb: await rssMb() })}\n`);
process.exit(0);
