import { describe, expect, it } from "vitest";
import { WorkerPoolEmbedder } from "../../../src/similarity/embeddings/index.js";
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
