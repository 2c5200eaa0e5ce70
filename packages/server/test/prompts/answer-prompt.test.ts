import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MockLlm } from "../../src/llm/mock.js";
import { Metrics } from "../../src/observability/metrics.js";
import { answerPrompt } from "../../src/prompts/answer-prompt.js";
import { createHub, type EventHub, userGroup } from "../../src/realtime/hub/index.js";
import { WorkerPoolEmbedder } from "../../src/similarity/embeddings/index.js";
import { SimilarityService } from "../../src/similarity/similarity-service.js";
import { createExactVectorIndex } from "../../src/similarity/vector-index/index.js";
import { openStorage, type Storage } from "../../src/storage/index.js";

let dataDir: string;
let storage: Storage;
let hub: EventHub;
let model: WorkerPoolEmbedder;
let similarity: SimilarityService;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "answer-prompt-"));
  storage = await openStorage({ dataDir });
  hub = await createHub();
  model = await WorkerPoolEmbedder.start({ kind: "bundled" }, { threads: 1 });
  similarity = await SimilarityService.open({
    storage,
    log: pino({ level: "silent" }),
    metrics: new Metrics(),
    model,
    concurrency: 1,
    queueLimit: { total: 10, perOwner: 10 },
    vectors: createExactVectorIndex(model.dimensions),
    indexMemoryBudget: 64 * 1024 * 1024,
  });
});
afterAll(async () => {
  await similarity.close();
  await model.close();
  await hub.close();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

it("publishes prompt.error when a streamed answer cannot be stored, so that no client waits for ever", async () => {
  // A user the database does not know: the answer streams, then the row is refused (foreign key).
  const userId = 987_654;
  const events: Array<Record<string, unknown>> = [];
  const unsubscribe = await hub.subscribe(userGroup(userId), (event) => {
    events.push(event);
  });
  try {
    const answering = answerPrompt(
      {
        storage,
        similarity,
        llm: new MockLlm(),
        hub,
        metrics: new Metrics(),
        reuse: undefined,
        log: pino({ level: "silent" }),
      },
      { userId, text: "an answer nobody can keep", notify: true, reuse: true },
    );
    await expect(answering).rejects.toThrow();
    await expect.poll(() => events.map((event) => event.type).at(-1)).toBe("prompt.error");
    expect(events.some((event) => event.type === "prompt.delta")).toBe(true);
    expect(events.some((event) => event.type === "prompt.message")).toBe(false);
    expect(JSON.stringify(events.at(-1))).not.toContain("an answer nobody can keep");
  } finally {
    await unsubscribe();
  }
});
