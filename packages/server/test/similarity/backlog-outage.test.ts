/**
 * A stored prompt whose vector could not be stored while PostgreSQL was cut off gets it once PostgreSQL is back,
 * without a restart: the backlog in the database is drained again until it succeeds (found by `npm run chaos`,
 * where such prompts stayed without a vector).
 */
import { createTestSchema, startTcpProxy, TEST_DATABASE_URL } from "@prompt-service/testkit";
import pino from "pino";
import { expect, it } from "vitest";
import { Metrics } from "../../src/observability/metrics.js";
import { WorkerPoolEmbedder } from "../../src/similarity/embeddings/index.js";
import { SimilarityService } from "../../src/similarity/similarity-service.js";
import { createExactVectorIndex } from "../../src/similarity/vector-index/index.js";
import { openStorage } from "../../src/storage/index.js";

it("stores the vector once PostgreSQL is back", async () => {
  const schema = await createTestSchema("backlog");
  const proxy = await startTcpProxy(TEST_DATABASE_URL, 5432);
  const storage = await openStorage({ databaseUrl: proxy.url, schema: schema.name });
  const model = await WorkerPoolEmbedder.start({ kind: "bundled" }, { threads: 1 });
  const lines: Array<{ msg: string }> = [];
  const log = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const similarity = await SimilarityService.open({
    storage,
    log,
    metrics: new Metrics(),
    model,
    concurrency: 1,
    queueLimit: { total: 100, perOwner: 10 },
    vectors: createExactVectorIndex(model.dimensions),
    indexMemoryBudget: 64 * 1024 * 1024,
  });
  try {
    const user = await storage.users.create({ username: "cut", email: "c@example.com", passwordHash: "x" });
    const stored = await storage.prompts.insert({
      userId: user.id,
      prompt: "How long do tulip bulbs need in the cold?",
      response: "r",
      model: "m",
    });
    proxy.cut();
    similarity.indexStored(stored);
    await expect
      .poll(() => lines.some((line) => line.msg.startsWith("could not embed a stored prompt")), {
        timeout: 20_000,
      })
      .toBe(true);
    proxy.restore();
    await expect
      .poll(async () => (await storage.embeddings.withEmbeddings([stored.id], model.id))[0]?.vector, {
        timeout: 20_000,
      })
      .toHaveLength(512);
  } finally {
    proxy.restore();
    await similarity.close();
    await model.close();
    await storage.close();
    await proxy.close();
    await schema.drop();
  }
}, 60_000);
