import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { WorkerPoolEmbedder } from "../../../src/similarity/embeddings/index.js";
import { EMBEDDING_NICE_INCREMENT } from "../../../src/similarity/embeddings/worker-pool.js";
import { embedderContract, PARAPHRASES } from "./contract.js";

embedderContract("bundled model in worker threads", () => WorkerPoolEmbedder.start({ kind: "bundled" }, 1), {
  orderings: PARAPHRASES,
});

describe("embedding worker pool", () => {
  it("loads the model in each of its threads and gives the vectors the model gives", async () => {
    const pool = await WorkerPoolEmbedder.start({ kind: "bundled" }, 2);
    try {
      expect(pool).toMatchObject({ id: "bundled:use-lite", dimensions: 512, languages: ["en"], threads: 2 });
      expect(pool.workers).toHaveLength(2);
      const texts = Array.from({ length: 8 }, (_, index) => `text number ${index}`);
      // Two batches at once, one per thread: each thread answers with the same model.
      const [first, second] = await Promise.all([pool.embed(texts), pool.embed(texts)]);
      expect(first?.map((vector) => Array.from(vector))).toEqual(second?.map((vector) => Array.from(vector)));
    } finally {
      await pool.close();
    }
  });

  it("fails the batch of a thread that dies, replaces the thread, and embeds again", async () => {
    const pool = await WorkerPoolEmbedder.start({ kind: "bundled" }, 1);
    try {
      const texts = Array.from(
        { length: 64 },
        (_, index) => `a long enough text to keep the model busy ${index}`,
      );
      const running = pool.embed(texts);
      await pool.workers[0]?.terminate();
      await expect(running).rejects.toThrow();
      const [vector] = await pool.embed(["after the crash"]);
      expect(vector).toHaveLength(512);
      expect(pool.workers).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  // Thread priorities are read from /proc: Linux's, where the service runs (its Docker image, CI) and where the nice
  // value is a thread's own.
  it("runs the model's threads at a lower CPU priority than the thread that serves requests", async () => {
    const niceOf = async (task: string) => {
      const stat = await readFile(`/proc/self/task/${task}/stat`, "utf8");
      // The fields after the command's closing parenthesis start at the state (field 3); nice is field 19.
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    };
    const main = await niceOf(String(process.pid));
    const pool = await WorkerPoolEmbedder.start({ kind: "bundled" }, 2);
    try {
      const nices = await Promise.all((await readdir("/proc/self/task")).map(niceOf));
      // Each worker thread, and the threads it starts after lowering its priority, which inherit it.
      expect(nices.filter((nice) => nice === main + EMBEDDING_NICE_INCREMENT).length).toBeGreaterThanOrEqual(
        2,
      );
      expect(await niceOf(String(process.pid))).toBe(main);
    } finally {
      await pool.close();
    }
  });

  it("with an idle timeout, ends a thread that has nothing to embed and starts one again for the next batch", async () => {
    const pool = await WorkerPoolEmbedder.start({ kind: "bundled" }, 1, { idleTimeoutMs: 100 });
    try {
      const [before] = await pool.embed(["the same text"]);
      await expect.poll(() => pool.workers.length, { timeout: 10_000 }).toBe(0);
      const [after] = await pool.embed(["the same text"]);
      expect(Array.from(after ?? [])).toEqual(Array.from(before ?? []));
    } finally {
      await pool.close();
    }
  });

  it("ends its threads when closed", async () => {
    const pool = await WorkerPoolEmbedder.start({ kind: "bundled" }, 2);
    const threads = [...pool.workers];
    const exits = threads.map(
      (thread) => new Promise((resolve) => (thread as unknown as NodeJS.EventEmitter).once("exit", resolve)),
    );
    await pool.close();
    await Promise.all(exits);
    expect(pool.workers).toHaveLength(0);
  });
});
