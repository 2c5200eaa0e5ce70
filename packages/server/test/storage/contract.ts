import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDataException } from "../../src/storage/errors.js";
import type { Storage } from "../../src/storage/index.js";
import { UniqueViolationError } from "../../src/storage/index.js";

export interface StorageHarness {
  /** Opens the storage under test (migrations applied). Called again to check that data survives a reopen. */
  open(): Promise<Storage>;
  /** Removes whatever the harness created. */
  cleanup(): Promise<void>;
}

/** One contract, every adapter of the storage port: what the service relies on, whichever database holds it. */
export function storageContract(name: string, makeHarness: () => Promise<StorageHarness>): void {
  describe(`storage contract: ${name}`, () => {
    let harness: StorageHarness;
    let storage: Storage;

    beforeAll(async () => {
      harness = await makeHarness();
      storage = await harness.open();
    });

    afterAll(async () => {
      await storage?.close();
      await harness?.cleanup();
    });

    const newUser = (username = `user_${randomUUID().slice(0, 8)}`) =>
      storage.users.create({ username, email: `${username}@example.com`, passwordHash: "scrypt$hash" });

    it("creates users and finds them by id and username", async () => {
      const user = await newUser("alice");
      expect(user).toMatchObject({
        username: "alice",
        email: "alice@example.com",
        passwordHash: "scrypt$hash",
      });
      expect(Number.isSafeInteger(user.id)).toBe(true);
      expect(await storage.users.findById(user.id)).toEqual(user);
      expect(await storage.users.findByUsername("alice")).toEqual(user);
      expect(await storage.users.findByUsername("nobody")).toBeUndefined();
      expect(await storage.users.findById(999_999_999)).toBeUndefined();
    });

    it("refuses a duplicate username with an error naming the field", async () => {
      await newUser("bob");
      const duplicate = newUser("bob");
      await expect(duplicate).rejects.toBeInstanceOf(UniqueViolationError);
      await expect(duplicate).rejects.toMatchObject({ field: "username" });
    });

    it("stores prompts and returns them only to their owner", async () => {
      const owner = await newUser();
      const other = await newUser();
      const stored = await storage.prompts.insert({
        userId: owner.id,
        prompt: "hola mundo",
        response: "[mocked-llm_response] hola mundo",
        model: "mock",
      });
      expect(stored).toMatchObject({ userId: owner.id, prompt: "hola mundo", model: "mock" });
      expect(stored.createdAt).toBeInstanceOf(Date);
      expect(await storage.prompts.get(owner.id, stored.id)).toEqual(stored);
      expect(await storage.prompts.get(other.id, stored.id)).toBeUndefined();
      expect(await storage.prompts.list(other.id, { limit: 10 })).toEqual([]);
    });

    it("lists a user's prompts newest first, page after page, without gaps or repeats", async () => {
      const user = await newUser();
      const ids: number[] = [];
      for (let index = 0; index < 7; index++) {
        ids.push(
          (await storage.prompts.insert({ userId: user.id, prompt: `p${index}`, response: "r", model: "m" }))
            .id,
        );
      }
      const seen: number[] = [];
      let after: { createdAt: Date; id: number } | undefined;
      for (;;) {
        const page = await storage.prompts.list(user.id, { limit: 3, ...(after ? { after } : {}) });
        seen.push(...page.map((prompt) => prompt.id));
        const last = page.at(-1);
        if (page.length < 3 || !last) break;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual([...ids].reverse());
    });

    it("rotates a refresh token once, and revokes the family when a used token comes back", async () => {
      const user = await newUser();
      const familyId = randomUUID();
      const first = randomUUID();
      const expiresAt = new Date(Date.now() + 60_000);
      await storage.refreshTokens.issue({ jti: first, userId: user.id, familyId, expiresAt });

      const second = randomUUID();
      expect(await storage.refreshTokens.rotate(first, { jti: second, expiresAt }, 0)).toEqual({
        status: "rotated",
        userId: user.id,
        familyId,
        successor: { jti: second, expiresAt },
      });
      // The first token again: theft is assumed, and the whole family (the second token too) dies.
      expect(await storage.refreshTokens.rotate(first, { jti: randomUUID(), expiresAt }, 0)).toEqual({
        status: "reused",
        userId: user.id,
      });
      expect(await storage.refreshTokens.rotate(second, { jti: randomUUID(), expiresAt }, 0)).toEqual({
        status: "revoked",
      });
    });

    it("gives the same token presented again within the grace window the successor it was exchanged for", async () => {
      const user = await newUser();
      const familyId = randomUUID();
      const jti = randomUUID();
      const expiresAt = new Date(Date.now() + 60_000);
      await storage.refreshTokens.issue({ jti, userId: user.id, familyId, expiresAt });
      const candidates = Array.from({ length: 5 }, () => ({ jti: randomUUID(), expiresAt }));
      const outcomes = await Promise.all(
        candidates.map((candidate) => storage.refreshTokens.rotate(jti, candidate, 10_000)),
      );
      const successors = new Set(
        outcomes.map((outcome) => (outcome.status === "rotated" ? outcome.successor.jti : outcome.status)),
      );
      // One chain: every caller holds the same successor, which is one of the candidates offered.
      expect(successors.size).toBe(1);
      const [successor] = successors as Set<string>;
      expect(candidates.map((candidate) => candidate.jti)).toContain(successor);
      expect(
        (await storage.refreshTokens.rotate(successor as string, { jti: randomUUID(), expiresAt }, 0)).status,
      ).toBe("rotated");
      // Past the window (none at all here), the original coming back is a theft: the family dies.
      expect((await storage.refreshTokens.rotate(jti, { jti: randomUUID(), expiresAt }, 0)).status).toBe(
        "reused",
      );
    });

    it("deletes expired tokens and keeps the others", async () => {
      const user = await newUser();
      const [old, fresh] = [randomUUID(), randomUUID()];
      const familyId = randomUUID();
      await storage.refreshTokens.issue({
        jti: old,
        userId: user.id,
        familyId,
        expiresAt: new Date(Date.now() - 1000),
      });
      await storage.refreshTokens.issue({
        jti: fresh,
        userId: user.id,
        familyId,
        expiresAt: new Date(Date.now() + 60_000),
      });
      expect(await storage.refreshTokens.deleteExpired()).toBeGreaterThanOrEqual(1);
      expect(
        (await storage.refreshTokens.rotate(old, { jti: randomUUID(), expiresAt: new Date() }, 0)).status,
      ).toBe("unknown");
      expect(
        (
          await storage.refreshTokens.rotate(
            fresh,
            { jti: randomUUID(), expiresAt: new Date(Date.now() + 60_000) },
            0,
          )
        ).status,
      ).toBe("rotated");
    });

    it("lets exactly one of two concurrent rotations of the same token win", async () => {
      const user = await newUser();
      const jti = randomUUID();
      const expiresAt = new Date(Date.now() + 60_000);
      await storage.refreshTokens.issue({ jti, userId: user.id, familyId: randomUUID(), expiresAt });
      const outcomes = await Promise.all([
        storage.refreshTokens.rotate(jti, { jti: randomUUID(), expiresAt }, 0),
        storage.refreshTokens.rotate(jti, { jti: randomUUID(), expiresAt }, 0),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["reused", "rotated"]);
    });

    it("reports unknown and expired refresh tokens, and revokes a family on logout", async () => {
      const user = await newUser();
      const expiresAt = new Date(Date.now() + 60_000);
      expect(await storage.refreshTokens.rotate(randomUUID(), { jti: randomUUID(), expiresAt }, 0)).toEqual({
        status: "unknown",
      });

      const expired = randomUUID();
      await storage.refreshTokens.issue({
        jti: expired,
        userId: user.id,
        familyId: randomUUID(),
        expiresAt: new Date(Date.now() - 1000),
      });
      expect(await storage.refreshTokens.rotate(expired, { jti: randomUUID(), expiresAt }, 0)).toEqual({
        status: "expired",
      });

      const live = randomUUID();
      await storage.refreshTokens.issue({ jti: live, userId: user.id, familyId: randomUUID(), expiresAt });
      const liveFamily = randomUUID();
      await storage.refreshTokens.issue({
        jti: randomUUID(),
        userId: user.id,
        familyId: liveFamily,
        expiresAt,
      });
      const before = await storage.now();
      const revokedFamily = await storage.refreshTokens.revokeFamilyOf(live);
      expect(revokedFamily).toEqual(expect.any(String));
      expect(await storage.refreshTokens.revokeFamilyOf(randomUUID())).toBeUndefined();
      const revoked = (await storage.refreshTokens.revokedSince(before)).map((entry) => entry.familyId);
      expect(revoked).toContain(revokedFamily);
      expect(revoked).not.toContain(liveFamily);
      expect(await storage.refreshTokens.rotate(live, { jti: randomUUID(), expiresAt }, 0)).toEqual({
        status: "revoked",
      });
    });

    it("keeps its data when closed and opened again", async () => {
      const user = await newUser("survivor");
      const prompt = await storage.prompts.insert({
        userId: user.id,
        prompt: "keep me",
        response: "r",
        model: "m",
      });
      await storage.close();
      storage = await harness.open();
      expect(await storage.users.findByUsername("survivor")).toEqual(user);
      expect(await storage.prompts.get(user.id, prompt.id)).toEqual(prompt);
    });

    it("stores a prompt under a reserved id, and never hands the same id out twice", async () => {
      const user = await newUser();
      // More than one block of the ids an instance takes at once, asked for together.
      const reserved = await Promise.all(Array.from({ length: 150 }, () => storage.prompts.reserveId()));
      expect(new Set(reserved).size).toBe(150);
      const stored = await storage.prompts.insert({
        id: reserved[0],
        userId: user.id,
        prompt: "streamed",
        response: "r",
        model: "m",
      });
      expect(stored.id).toBe(reserved[0]);
      const next = await storage.prompts.insert({
        userId: user.id,
        prompt: "plain",
        response: "r",
        model: "m",
      });
      expect(reserved).not.toContain(next.id);
    });

    it("keeps a prompt's embedding with it, exactly, and only for the model that made it", async () => {
      const owner = await newUser();
      const other = await newUser();
      const vector = Float32Array.from({ length: 512 }, (_, index) => Math.sin(index) / 10);
      const stored = await storage.prompts.insert({
        userId: owner.id,
        prompt: "with a vector",
        response: "r",
        model: "m",
        embedding: { vector, model: "bundled:test" },
      });
      const [row] = await storage.embeddings.withEmbeddings([stored.id], "bundled:test");
      expect(row).toMatchObject({ id: stored.id, userId: owner.id, prompt: "with a vector" });
      expect(Array.from(row?.vector ?? [])).toEqual(Array.from(vector));
      // Another model's vector is no vector at all; another user's prompt is not returned.
      expect(
        (await storage.embeddings.withEmbeddings([stored.id], "other-model"))[0]?.vector,
      ).toBeUndefined();
      expect(await storage.embeddings.withEmbeddings([stored.id], "bundled:test", other.id)).toEqual([]);

      const replaced = Float32Array.from({ length: 8 }, (_, index) => index);
      await storage.embeddings.setEmbedding(stored.id, { vector: replaced, model: "other-model" });
      const [after] = await storage.embeddings.withEmbeddings([stored.id], "other-model", owner.id);
      expect(Array.from(after?.vector ?? [])).toEqual(Array.from(replaced));
    });

    it("lists prompts without a vector of a model in id order, and those of given users changed since a moment", async () => {
      const user = await newUser();
      const other = await newUser();
      const before = await storage.now();
      const first = await storage.prompts.insert({
        userId: user.id,
        prompt: "one",
        response: "r",
        model: "m",
      });
      const second = await storage.prompts.insert({
        userId: user.id,
        prompt: "two",
        response: "r",
        model: "m",
      });
      const others = await storage.prompts.insert({
        userId: other.id,
        prompt: "three",
        response: "r",
        model: "m",
      });
      await storage.embeddings.setEmbedding(second.id, { vector: Float32Array.of(1, 0), model: "current" });

      const missing = await storage.embeddings.withoutVector("current", first.id - 1, 2);
      expect(missing).toEqual([
        { id: first.id, userId: user.id, prompt: "one", embeddingModel: null },
        { id: others.id, userId: other.id, prompt: "three", embeddingModel: null },
      ]);
      // Another model's vector counts as none.
      expect((await storage.embeddings.withoutVector("newer", second.id - 1, 1))[0]?.id).toBe(second.id);

      const changed = await storage.embeddings.changedSince(before, [user.id]);
      expect(changed).toEqual(
        expect.arrayContaining([
          { id: first.id, userId: user.id },
          { id: second.id, userId: user.id },
        ]),
      );
      expect(changed.map((row) => row.id)).not.toContain(others.id);
      expect(await storage.embeddings.changedSince(before, [])).toEqual([]);
      const later = new Date((await storage.now()).getTime() + 60_000);
      expect(await storage.embeddings.changedSince(later, [user.id, other.id])).toEqual([]);
    });

    it("lists a prompt whose vector arrives after it among the prompts changed since", async () => {
      const user = await newUser();
      const stored = await storage.prompts.insert({
        userId: user.id,
        prompt: "later",
        response: "r",
        model: "m",
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const afterInsert = await storage.now();
      const changedIds = async () =>
        (await storage.embeddings.changedSince(afterInsert, [user.id])).map((row) => row.id);
      expect(await changedIds()).not.toContain(stored.id);
      await storage.embeddings.setEmbedding(stored.id, { vector: Float32Array.of(1, 0), model: "m" });
      expect(await changedIds()).toContain(stored.id);
    });

    it("reads every prompt of one user with the vectors of the model asked for, nobody else's", async () => {
      const owner = await newUser();
      const other = await newUser();
      const embedded = await storage.prompts.insert({
        userId: owner.id,
        prompt: "with vector",
        response: "r",
        model: "m",
        embedding: { vector: Float32Array.of(0.6, 0.8), model: "current" },
      });
      const bare = await storage.prompts.insert({
        userId: owner.id,
        prompt: "without",
        response: "r",
        model: "m",
      });
      const older = await storage.prompts.insert({
        userId: owner.id,
        prompt: "older model",
        response: "r",
        model: "m",
        embedding: { vector: Float32Array.of(1, 0), model: "old" },
      });
      await storage.prompts.insert({ userId: other.id, prompt: "not yours", response: "r", model: "m" });

      const rows = await storage.embeddings.ofUser(owner.id, "current");
      expect(rows.sort((a, b) => a.id - b.id)).toEqual([
        { id: embedded.id, prompt: "with vector", vector: Float32Array.of(0.6, 0.8) },
        { id: bare.id, prompt: "without", vector: undefined },
        { id: older.id, prompt: "older model", vector: undefined },
      ]);
      expect(await storage.embeddings.ofUser(0, "current")).toEqual([]);
    });

    it("reads several prompts of one user by id, never another user's", async () => {
      const owner = await newUser();
      const other = await newUser();
      const mine = await storage.prompts.insert({ userId: owner.id, prompt: "a", response: "r", model: "m" });
      const theirs = await storage.prompts.insert({
        userId: other.id,
        prompt: "b",
        response: "r",
        model: "m",
      });
      const rows = await storage.prompts.getMany(owner.id, [mine.id, theirs.id, 999_999_999]);
      expect(rows).toEqual([mine]);
      expect(await storage.prompts.getMany(owner.id, [])).toEqual([]);
    });

    it("refuses text it cannot hold with a data exception that carries neither the statement nor the values", async () => {
      const user = await newUser();
      const secret = "the user's private prompt \u0000 with a NUL";
      const error = await storage.prompts
        .insert({ userId: user.id, prompt: secret, response: "r", model: "m" })
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(isDataException(error)).toBe(true);
      const logged = JSON.stringify({ ...(error as object), message: (error as Error).message });
      expect(logged).not.toContain("private prompt");
      expect(error).not.toHaveProperty("params");
      expect(error).not.toHaveProperty("query");
    });

    it("answers a ping", async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });
  });
}
