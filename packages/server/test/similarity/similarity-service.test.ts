import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Metrics } from "../../src/observability/metrics.js";
import { WorkerPoolEmbedder } from "../../src/similarity/embeddings/index.js";
import { SimilarityService } from "../../src/similarity/similarity-service.js";
import { createExactVectorIndex } from "../../src/similarity/vector-index/index.js";
import { openStorage, type Storage } from "../../src/storage/index.js";

describe("SimilarityService with the model in worker threads", () => {
  let dataDir: string;
  let storage: Storage;
  let model: WorkerPoolEmbedder;
  let userId: number;

  const open = (metrics = new Metrics()) =>
    SimilarityService.open({
      storage,
      log: pino({ level: "silent" }),
      metrics,
      model,
      concurrency: model.threads,
      queueLimit: { total: 100, perOwner: 10 },
      vectors: createExactVectorIndex(model.dimensions),
      indexMemoryBudget: 64 * 1024 * 1024,
    });
  const vectorOf = async (id: number) => (await storage.embeddings.withEmbeddings([id], model.id))[0]?.vector;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "similarity-service-"));
    storage = await openStorage({ dataDir });
    model = await WorkerPoolEmbedder.start({ kind: "bundled" }, { threads: 1 });
    userId = (await storage.users.create({ username: "ana", email: "a@example.com", passwordHash: "x" })).id;
  });
  afterAll(async () => {
    await model.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("stores the vector of a prompt whose worker died while embedding it", async () => {
    const similarity = await open();
    try {
      const stored = await storage.prompts.insert({
        userId,
        prompt: "How do I repot a cactus without getting hurt?",
        response: "r",
        model: "m",
      });
      similarity.indexStored(stored);
      await model.workers[0]?.terminate();
      await similarity.settled();
      expect(await vectorOf(stored.id)).toHaveLength(512);
      const [best] = await similarity.search(userId, "repotting a cactus safely", 1);
      expect(best?.id).toBe(stored.id);
    } finally {
      await similarity.close();
    }
  });

  it("keeps a bounded window of stored prompts in the model's queue, leaves the rest in the database, and embeds all", async () => {
    const metrics = new Metrics();
    const similarity = await open(metrics);
    try {
      const stored = [];
      for (let index = 0; index < 120; index++) {
        const prompt = await storage.prompts.insert({
          userId,
          prompt: `backlog prompt number ${index}`,
          response: "r",
          model: "m",
        });
        similarity.indexStored(prompt);
        stored.push(prompt);
      }
      // The window (64) and a batch read back from the backlog (32), however many wait.
      const [queued] = (await metrics.embeddingQueueLength.get()).values;
      expect(queued?.value).toBeLessThanOrEqual(96);
      await similarity.settled();
      const vectors = await storage.embeddings.withEmbeddings(
        stored.map((prompt) => prompt.id),
        model.id,
      );
      expect(vectors.filter((row) => row.vector).length).toBe(120);
    } finally {
      await similarity.close();
    }
  }, 120_000);

  it("embeds, at the next start, a prompt stored by a process that died before its vector", async () => {
    const orphan = await storage.prompts.insert({
      userId,
      prompt: "Which wine goes with grilled salmon?",
      response: "r",
      model: "m",
    });
    expect(await vectorOf(orphan.id)).toBeUndefined();
    const similarity = await open();
    try {
      // Findable by its words at once, then by its meaning once the background work has stored its vector.
      const [byWords] = await similarity.search(userId, "wine grilled salmon", 1);
      expect(byWords?.id).toBe(orphan.id);
      await expect.poll(() => vectorOf(orphan.id), { timeout: 10_000 }).toHaveLength(512);
      const [byMeaning] = await similarity.search(userId, "what to drink with fish", 1);
      expect(byMeaning?.id).toBe(orphan.id);
    } finally {
      await similarity.close();
    }
  });

  it("stops within the backlog's drain, and the next start embeds what it left", async () => {
    const backlog = [];
    for (let index = 0; index < 600; index++) {
      backlog.push(
        await storage.prompts.insert({
          userId,
          prompt: `left for later ${index}`,
          response: "r",
          model: "m",
        }),
      );
    }
    const ids = backlog.map((prompt) => prompt.id);
    const embedded = async () =>
      (await storage.embeddings.withEmbeddings(ids, model.id)).filter((row) => row.vector).length;
    const metrics = new Metrics();
    const first = await open(metrics);
    await expect
      .poll(async () => (await metrics.embeddingsStored.get()).values[0]?.value ?? 0, { timeout: 30_000 })
      .toBeGreaterThan(0);
    await first.close();
    // The pages handed to the model (128 rows each, two at most) are finished; the rest waits in the database.
    const atStop = await embedded();
    expect(atStop).toBeGreaterThan(0);
    expect(atStop).toBeLessThan(ids.length);
    const next = await open();
    try {
      await expect.poll(embedded, { timeout: 60_000, interval: 250 }).toBe(ids.length);
    } finally {
      await next.close();
    }
  }, 120_000);
});
