import { describe, expect, it } from "vitest";
import {
  type Embedder,
  EmbeddingQueueFullError,
  FairScheduler,
} from "../../../src/similarity/embeddings/index.js";

/**
 * A model whose batches finish when the test says so, recording each batch: the scheduler's order and bounds are
 * what is under test here, not the model (the pool's own tests run the real one).
 */
class GatedModel implements Embedder {
  readonly id = "gated";
  readonly dimensions = 2;
  readonly batches: string[][] = [];
  readonly #gates: Array<() => void> = [];

  embed(texts: string[]): Promise<Float32Array[]> {
    this.batches.push([...texts]);
    return new Promise((resolve) => {
      this.#gates.push(() => resolve(texts.map((_, index) => Float32Array.of(index, 1))));
    });
  }

  /** Lets the oldest running batch finish, and waits for the scheduler to start the next one. */
  async release(): Promise<void> {
    this.#gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {}
}

const roomy = { total: 10_000, perOwner: 10_000 };

describe("FairScheduler", () => {
  it("serves a user's one text before another user's backlog: one text of each user per batch", async () => {
    const model = new GatedModel();
    const scheduler = new FairScheduler(model, { concurrency: 1, maxBatchSize: 4, queueLimit: roomy });
    const flood = Array.from({ length: 500 }, (_, index) => scheduler.embed("user:1", [`flood ${index}`]));
    const lone = scheduler.embed("user:2", ["lone query"]);
    // The first batch left as soon as it came (the model was idle); everything else queued behind it.
    expect(model.batches).toEqual([["flood 0"]]);
    await model.release();
    expect(model.batches[1]).toEqual(["flood 1", "lone query", "flood 2", "flood 3"]);
    await model.release();
    await expect(lone).resolves.toHaveLength(1);
    while (model.batches.length < 126) await model.release();
    await model.release();
    await expect(Promise.all(flood)).resolves.toHaveLength(500);
  });

  it("forms batches across users in turn", async () => {
    const model = new GatedModel();
    const scheduler = new FairScheduler(model, { concurrency: 1, maxBatchSize: 6, queueLimit: roomy });
    const all = [scheduler.embed("busy", ["start"])];
    for (const owner of ["a", "b", "c"]) {
      all.push(scheduler.embed(owner, [`${owner}1`, `${owner}2`]));
    }
    await model.release();
    expect(model.batches[1]).toEqual(["a1", "b1", "c1", "a2", "b2", "c2"]);
    await model.release();
    await Promise.all(all);
  });

  it("runs more batches at once only while a backlog of at least two full batches waits and the burst is allowed", async () => {
    const model = new GatedModel();
    let allowed = true;
    const scheduler = new FairScheduler(model, {
      concurrency: 1,
      burst: { concurrency: 2, allowed: () => allowed },
      maxBatchSize: 4,
      queueLimit: roomy,
    });
    // A few searches: one batch at a time, as many as the kept threads.
    const searches = [scheduler.embed("a", ["a1"]), scheduler.embed("b", ["b1", "b2"])];
    expect(model.batches).toEqual([["a1"]]);
    await model.release();
    expect(model.batches).toHaveLength(2);
    await model.release();
    await Promise.all(searches);
    // A backlog: 12 texts wait (three full batches) behind the running one, so a second batch runs beside it.
    const backlog = scheduler.embed("c", ["c0"], { bounded: false });
    const rest = scheduler.embed(
      "c",
      Array.from({ length: 12 }, (_, index) => `c${index + 1}`),
      { bounded: false },
    );
    expect(model.batches.slice(2)).toEqual([["c0"], ["c1", "c2", "c3", "c4"]]);
    // When c0's batch ends, eight still wait: a batch starts beside the running one. When the next ends, four are
    // left, fewer than two batches: the scheduler is back to one batch at a time.
    await model.release();
    await model.release();
    expect(model.batches.slice(4)).toEqual([["c5", "c6", "c7", "c8"]]);
    await model.release();
    await model.release();
    await expect(Promise.all([backlog, rest])).resolves.toHaveLength(2);
    // The same backlog while the burst is not allowed (the requests are busy): one batch at a time.
    allowed = false;
    const refused = scheduler.embed(
      "d",
      Array.from({ length: 13 }, (_, index) => `d${index}`),
      { bounded: false },
    );
    expect(model.batches.slice(6)).toEqual([["d0"]]);
    await model.release();
    expect(model.batches.slice(6)).toEqual([["d0"], ["d1", "d2", "d3", "d4"]]);
    while (model.batches.length < 10) await model.release();
    await model.release();
    await expect(refused).resolves.toHaveLength(13);
  });

  it("refuses at once past the user's bound or the total, with a time to come back", async () => {
    const model = new GatedModel();
    const scheduler = new FairScheduler(model, {
      concurrency: 1,
      maxBatchSize: 8,
      queueLimit: { total: 4, perOwner: 2 },
    });
    const running = scheduler.embed("a", ["running"]);
    const waiting = scheduler.embed("a", ["w1", "w2"]);
    expect(scheduler.queueLength).toBe(2);
    const refused = (() => {
      try {
        scheduler.embed("a", ["one too many"]);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(EmbeddingQueueFullError);
    expect((refused as EmbeddingQueueFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(scheduler.queueLength).toBe(2);

    const others = scheduler.embed("b", ["b1", "b2"]);
    expect(scheduler.queueLength).toBe(4);
    // The total is reached, but a user with nothing waiting still gets in (up to twice the total)…
    const lone = scheduler.embed("c", ["c1"]);
    // …while one already waiting does not.
    expect(() => scheduler.embed("b", ["b3"])).toThrow(EmbeddingQueueFullError);
    // Work that must not be lost (a stored prompt's vector) is queued whatever the bound.
    const stored = scheduler.embed("a", ["stored prompt"], { bounded: false });
    expect(scheduler.queueLength).toBe(6);

    await model.release();
    await model.release();
    await Promise.all([running, waiting, others, lone, stored]);
    expect(scheduler.queueLength).toBe(0);
  });

  it("admits searches against their own bound, however much background work waits", async () => {
    const model = new GatedModel();
    const scheduler = new FairScheduler(model, {
      concurrency: 1,
      maxBatchSize: 64,
      queueLimit: { total: 2, perOwner: 1 },
    });
    // Stored prompts of many writers wait for their vectors.
    const background = Array.from({ length: 40 }, (_, index) =>
      scheduler.embed(`writer${index % 8}`, [`stored prompt ${index}`], { bounded: false }),
    );
    expect(scheduler.queueLength).toBeGreaterThan(2);
    // A bystander's search, and a writer's own, get in: only searches count against the searches' bound…
    const searches = [scheduler.embed("bystander", ["a search"]), scheduler.embed("writer0", ["its search"])];
    // …which still holds among searches.
    expect(() => scheduler.embed("bystander", ["a second search"])).toThrow(EmbeddingQueueFullError);
    while (scheduler.queueLength > 0 || model.batches.length < 2) await model.release();
    await model.release();
    await Promise.all([...background, ...searches]);
  });

  it("remembers vectors per user: another user's identical text goes to the model", async () => {
    const model = new GatedModel();
    const scheduler = new FairScheduler(model, { concurrency: 1, queueLimit: roomy });
    const first = scheduler.embed("a", ["same words"]);
    await model.release();
    await first;
    await scheduler.embed("a", ["same words"]);
    expect(model.batches).toHaveLength(1);
    const other = scheduler.embed("b", ["same words"]);
    expect(model.batches).toHaveLength(2);
    await model.release();
    await other;
  });

  it("embeds a text asked twice while waiting once", async () => {
    const model = new GatedModel();
    const scheduler = new FairScheduler(model, { concurrency: 1, queueLimit: roomy });
    const started = scheduler.embed("a", ["busy"]);
    const twice = [scheduler.embed("a", ["repeat"]), scheduler.embed("a", ["repeat"])];
    await model.release();
    await model.release();
    await Promise.all([started, ...twice]);
    expect(model.batches.flat().filter((text) => text === "repeat")).toHaveLength(1);
  });

  it("fails every text of a batch the model fails, and goes on with the next", async () => {
    let calls = 0;
    const flaky: Embedder = {
      id: "flaky",
      dimensions: 1,
      async embed(texts) {
        calls++;
        if (calls === 1) throw new Error("worker died");
        return texts.map(() => Float32Array.of(1));
      },
      async close() {},
    };
    const scheduler = new FairScheduler(flaky, { concurrency: 1, queueLimit: roomy });
    await expect(scheduler.embed("a", ["x", "y"])).rejects.toThrow("worker died");
    await expect(scheduler.embed("a", ["x"])).resolves.toEqual([Float32Array.of(1)]);
  });

  it("refuses what still waits when closed, and lets running batches end", async () => {
    const model = new GatedModel();
    const scheduler = new FairScheduler(model, { concurrency: 1, queueLimit: roomy });
    const running = scheduler.embed("a", ["running"]);
    const waiting = scheduler.embed("a", ["waiting"]);
    const closed = scheduler.close();
    await expect(waiting).rejects.toThrow("closed");
    await model.release();
    await closed;
    await expect(running).resolves.toHaveLength(1);
  });
});
