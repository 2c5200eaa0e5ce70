import { createTestSchema } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage, type Storage } from "../../src/storage/index.js";
import { storageContract } from "./contract.js";

storageContract("PostgreSQL", async () => {
  const schema = await createTestSchema("storage");
  return {
    open: () => openStorage({ databaseUrl: schema.databaseUrl, schema: schema.name }),
    cleanup: () => schema.drop(),
  };
});

describe("PostgreSQL: two instances on one database", () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let instances: Storage[];

  beforeAll(async () => {
    schema = await createTestSchema("storage_ids");
    const open = () => openStorage({ databaseUrl: schema.databaseUrl, schema: schema.name });
    instances = [await open(), await open()];
  });

  afterAll(async () => {
    await Promise.all(instances.map((storage) => storage.close()));
    await schema.drop();
  });

  it("never reserve the same prompt id, and each stores its prompts under the ids it reserved", async () => {
    const [first, second] = instances as [Storage, Storage];
    const user = await first.users.create({ username: "ids", email: "ids@example.com", passwordHash: "h" });
    const reserve = (storage: Storage) =>
      Promise.all(Array.from({ length: 100 }, () => storage.prompts.reserveId()));
    const [mine, theirs] = await Promise.all([reserve(first), reserve(second)]);
    expect(new Set([...mine, ...theirs]).size).toBe(200);
    const stored = await Promise.all([
      ...mine.map((id) =>
        first.prompts.insert({ id, userId: user.id, prompt: "a", response: "r", model: "m" }),
      ),
      ...theirs.map((id) =>
        second.prompts.insert({ id, userId: user.id, prompt: "b", response: "r", model: "m" }),
      ),
    ]);
    expect(stored.map((prompt) => prompt.id).sort()).toEqual([...mine, ...theirs].sort());
    const usage = await first.usage.daysOf(user.id, 1);
    expect(usage[0]?.prompts).toBe(200);
  });
});
