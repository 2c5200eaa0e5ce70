import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WorkerPoolEmbedder } from "../../../src/similarity/embeddings/index.js";
import { EMBEDDING_NICE_INCREMENT } from "../../../src/similarity/embeddings/worker-pool.js";
import { embedderContract, PARAPHRASES } from "./contract.js";

embedderContract(
  "bundled model in worker threads",
  () => WorkerPoolEmbedder.start({ kind: "bundled" }, { threads: 1 }),
  {
    orderings: PARAPHRASES,
  },
);

describe("embedding worker pool", () => {
  // One pool of two threads for what any such pool shows, ended by the last of these tests: each pool started loads
  // the model once per thread, which is most of this file's time.
  describe("of two threads", () => {
    let pool: WorkerPoolEmbedder;
    beforeAll(async () => {
      pool = await WorkerPoolEmbedder.start({ kind: "bundled" }, { threads: 2 });
    });
    afterAll(async () => {
      await pool.close();
    });

    it("loads the model in each of its threads and gives the vectors the model gives", async () => {
      expect(pool).toMatchObject({ id: "bundled:use-lite", dimensions: 512, languages: ["en"], threads: 2 });
      expect(pool.workers).toHaveLength(2);
      const texts = Array.from({ length: 8 }, (_, index) => `text number ${index}`);
      // Two batches at once, one per thread: each thread answers with the same model.
      const [first, second] = await Promise.all([pool.embed(texts), pool.embed(texts)]);
      expect(first?.map((vector) => Array.from(vector))).toEqual(second?.map((vector) => Array.from(vector)));
    });

    // Thread priorities are read from /proc: Linux's, where the service runs (its Docker image, CI) and where the
    // nice value is a thread's own.
    it("runs the model's threads at a lower CPU priority than the thread that serves requests", async () => {
      const niceOf = async (task: string) => {
        const stat = await readFile(`/proc/self/task/${task}/stat`, "utf8");
        // The fields after the command's closing parenthesis start at the state (field 3); nice is field 19.
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      };
      const main = await niceOf(String(process.pid));
      const nices = await Promise.all((await readdir("/proc/self/task")).map(niceOf));
      // Each worker thread, and the threads it starts after lowering its priority, which inherit it.
      expect(nices.filter((nice) => nice === main + EMBEDDING_NICE_INCREMENT).length).toBeGreaterThanOrEqual(
        2,
      );
      expect(await niceOf(String(process.pid))).toBe(main);
    });

    it("ends its threads when closed", async () => {
      const threads = [...pool.workers];
      const exits = threads.map(
        (thread) =>
          new Promise((resolve) => (thread as unknown as NodeJS.EventEmitter).once("exit", resolve)),
      );
      await pool.close();
      await Promise.all(exits);
      expect(pool.workers).toHaveLength(0);
    });
  });

  it("adds threads up to its most while batches wait for one, ends idle threads, and starts one again for the next batch", async () => {
    const pool = await WorkerPoolEmbedder.start(
      { kind: "bundled" },
      { threads: 1, maxThreads: 2, idleTimeoutMs: 200 },
    );
    try {
      expect(pool).toMatchObject({ threads: 1, maxThreads: 2 });
      expect(pool.workers).toHaveLength(1);
      const texts = Array.from({ length: 16 }, (_, index) => `a text waiting for a thread ${index}`);
      const first = pool.embed(texts);
      // The second batch finds the thread busy: the pool starts another at once (whichever is free first takes it).
      const second = pool.embed(texts);
      expect(pool.workers).toHaveLength(2);
      const [firstVectors, secondVectors] = await Promise.all([first, second]);
      expect(secondVectors?.map((vector) => Array.from(vector))).toEqual(
        firstVectors?.map((vector) => Array.from(vector)),
      );
      // Idle past the timeout, every thread ends, and the model's memory with it.
      await vi.waitFor(() => expect(pool.workers).toHaveLength(0), { timeout: 10_000, interval: 50 });
      // The next batch starts a thread, which loads the model again and gives the same vectors.
      const [again] = await pool.embed([texts[0] as string]);
      expect(Array.from(again ?? [])).toEqual(Array.from(firstVectors?.[0] ?? []));
    } finally {
      await pool.close();
    }
  });

  it("fails the batch of a thread that dies, replaces the thread, and embeds again", async () => {
    const pool = await WorkerPoolEmbedder.start({ kind: "bundled" }, { threads: 1 });
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
});
