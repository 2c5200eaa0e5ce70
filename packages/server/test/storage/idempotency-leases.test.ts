import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestSchema, seedEmbeddedDataDir, type TestSchema } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IdempotencyLeaseLostError, openStorage, type Storage } from "../../src/storage/index.js";

// Both adapters: a request whose lease ran out (its instance died or froze) loses its key to the retry that took it
// over, and can then store nothing: a prompt is never stored twice under one key.
describe.each(["embedded", "postgres"] as const)("Idempotency-Key leases on %s storage", (kind) => {
  let storage: Storage;
  let schema: TestSchema | undefined;
  let dataDir: string | undefined;
  let userId: number;

  beforeAll(async () => {
    if (kind === "postgres") {
      schema = await createTestSchema("leases");
      storage = await openStorage({ databaseUrl: schema.databaseUrl, schema: schema.name });
    } else {
      dataDir = await mkdtemp(join(tmpdir(), "leases-"));
      await seedEmbeddedDataDir(dataDir);
      storage = await openStorage({ dataDir });
    }
    userId = (await storage.users.create({ username: `lease-${kind}`, email: "l@x.io", passwordHash: "h" }))
      .id;
  });
  afterAll(async () => {
    await storage?.close();
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const DAY = 86_400_000;
  const insert = (lease: { userId: number; key: string; owner: string }, prompt: string) =>
    storage.prompts.insert({
      userId,
      prompt,
      response: "r",
      model: "mock",
      idempotency: { lease, responseStatus: 201 },
    });

  it("keeps a running key while its lease holds, records the result with the prompt, then replays it", async () => {
    const first = await storage.idempotency.claim(userId, "held", "fp", DAY, 60_000);
    if (first.status !== "claimed") throw new Error(`expected a claim, got ${first.status}`);
    expect(await storage.idempotency.claim(userId, "held", "fp", DAY, 60_000)).toEqual({ status: "running" });
    const stored = await insert(first.lease, "held once");
    expect(await storage.idempotency.claim(userId, "held", "fp", DAY, 60_000)).toEqual({
      status: "completed",
      responseStatus: 201,
      promptId: stored.id,
    });
  });

  it("lets a retry take over a key whose lease ran out, and refuses the late request's prompt", async () => {
    const late = await storage.idempotency.claim(userId, "taken-over", "fp", DAY, 1);
    if (late.status !== "claimed") throw new Error(`expected a claim, got ${late.status}`);
    // The lease of 1 ms has run out by the database's clock once it has moved on.
    await expect
      .poll(async () => (await storage.idempotency.claim(userId, "taken-over", "fp", DAY, 60_000)).status)
      .toBe("claimed");
    await expect(insert(late.lease, "stored by the late request")).rejects.toBeInstanceOf(
      IdempotencyLeaseLostError,
    );
    const prompts = await storage.prompts.list(userId, { limit: 50 });
    expect(prompts.map((prompt) => prompt.prompt)).not.toContain("stored by the late request");
  });

  it("renews a lease so that a long request keeps its key", async () => {
    const long = await storage.idempotency.claim(userId, "renewed", "fp", DAY, 1);
    if (long.status !== "claimed") throw new Error(`expected a claim, got ${long.status}`);
    await storage.idempotency.renew([long.lease], 60_000);
    expect(await storage.idempotency.claim(userId, "renewed", "fp", DAY, 60_000)).toEqual({
      status: "running",
    });
    expect((await insert(long.lease, "renewed and stored")).prompt).toBe("renewed and stored");
  });
});
