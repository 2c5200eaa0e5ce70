import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BatchingEmbedder } from "../../../src/similarity/embeddings/batching.js";
import type { Embedder } from "../../../src/similarity/embeddings/port.js";

/** A model that records its calls and embeds a text as [its length, 1], which tells the texts of a test apart. */
class RecordingModel implements Embedder {
  readonly id = "test:recording";
  readonly dimensions = 2;
  readonly languages = ["en"];
  readonly calls: string[][] = [];
  closed = false;
  failNext = false;

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls.push(texts);
    await sleep(5);
    if (this.failNext) {
      this.failNext = false;
      throw new Error("model failed");
    }
    return texts.map((text) => Float32Array.of(text.length, 1));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function texts(count: number): string[] {
  return Array.from({ length: count }, (_, index) => "x".repeat(index + 1));
}

describe("BatchingEmbedder", () => {
  it("makes one model call of concurrent single-text requests, and gives each caller its own vector", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model);
    const requests = texts(10);
    const results = await Promise.all(requests.map((text) => embedder.embed([text])));
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]).toEqual(requests);
    for (const [index, [vector]] of results.entries()) expect(vector).toEqual(Float32Array.of(index + 1, 1));
  });

  it("sends a full batch at once: N concurrent requests make ceil(N / maxBatchSize) model calls", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model, { maxBatchSize: 32, maxWaitMs: 1_000 });
    const started = Date.now();
    const results = await Promise.all(texts(64).map((text) => embedder.embed([text])));
    expect(Date.now() - started).toBeLessThan(500);
    expect(model.calls.map((call) => call.length)).toEqual([32, 32]);
    for (const [index, [vector]] of results.entries()) expect(vector?.[0]).toBe(index + 1);
  });

  it("splits one large request into batches, keeping its order", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model, { maxBatchSize: 32 });
    const vectors = await embedder.embed(texts(70));
    expect(model.calls.map((call) => call.length)).toEqual([32, 32, 6]);
    expect(vectors.map((vector) => vector[0])).toEqual(texts(70).map((text) => text.length));
  });

  it("waits no longer than maxWaitMs for company", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model, { maxWaitMs: 20 });
    const first = embedder.embed(["alone"]);
    await sleep(60);
    const second = embedder.embed(["later"]);
    await Promise.all([first, second]);
    expect(model.calls).toEqual([["alone"], ["later"]]);
  });

  it("answers repeated texts from the cache without calling the model", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model);
    const [first] = await embedder.embed(["what is 30 C in F"]);
    const [again] = await embedder.embed(["what is 30 C in F"]);
    expect(again).toBe(first);
    expect(model.calls).toHaveLength(1);
  });

  it("forgets the least recently used texts beyond cacheSize, and caches nothing with 0", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model, { cacheSize: 2 });
    for (const text of ["a", "b", "c", "a"]) await embedder.embed([text]);
    expect(model.calls).toEqual([["a"], ["b"], ["c"], ["a"]]);
    const uncached = new RecordingModel();
    const noCache = new BatchingEmbedder(uncached, { cacheSize: 0 });
    await noCache.embed(["a"]);
    await noCache.embed(["a"]);
    expect(uncached.calls).toHaveLength(2);
  });

  it("sends a text once when it is requested again while waiting or being embedded", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model, { cacheSize: 0 });
    const waiting = Promise.all([embedder.embed(["same"]), embedder.embed(["same", "other"])]);
    await sleep(8);
    const running = embedder.embed(["same"]);
    await Promise.all([waiting, running]);
    expect(model.calls).toEqual([["same", "other"]]);
  });

  it("rejects every caller of a failed batch and caches nothing from it", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model);
    model.failNext = true;
    const outcomes = await Promise.allSettled([embedder.embed(["a"]), embedder.embed(["b"])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    await expect(embedder.embed(["a"])).resolves.toHaveLength(1);
    expect(model.calls).toEqual([["a", "b"], ["a"]]);
  });

  it("passes on the model's description, and on close sends what waits before closing the model", async () => {
    const model = new RecordingModel();
    const embedder = new BatchingEmbedder(model, { maxWaitMs: 10_000 });
    expect(embedder).toMatchObject({ id: "test:recording", dimensions: 2, languages: ["en"] });
    const pending = embedder.embed(["last words"]);
    await embedder.close();
    await expect(pending).resolves.toHaveLength(1);
    expect(model.closed).toBe(true);
  });
});
