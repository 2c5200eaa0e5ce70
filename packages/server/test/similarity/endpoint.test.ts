import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestSchema,
  registerUser,
  seedEmbeddedDataDir,
  startServer,
  type TestSchema,
  type TestServer,
  type TestUser,
} from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "../../src/storage/index.js";
import { json, startFakeOpenAi } from "../llm/fake-openai.js";

interface SimilarBody {
  query: string;
  results: Array<{ id: number; prompt: string; response: string; created_at: string; score: number }>;
}

const create = (server: TestServer, user: TestUser, prompt: string) =>
  server.app.inject({ method: "POST", url: "/api/prompts", headers: user.headers, payload: { prompt } });
const similar = (server: TestServer, user: TestUser, query: string) =>
  server.app.inject({ method: "GET", url: `/api/prompts/similar${query}`, headers: user.headers });

const CORPUS = [
  "How do I reset my password?",
  "Give me a recipe for chocolate chip cookies",
  "What is the capital of Australia?",
  "Explain how vaccines train the immune system",
  "¿Cómo puedo abrir una cuenta bancaria?",
];

describe("GET /api/prompts/similar", () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const ids = new Map<string, number>();

  beforeAll(async () => {
    server = await startServer({ listen: false });
    alice = await registerUser(server.app);
    bob = await registerUser(server.app);
    for (const text of CORPUS) ids.set(text, (await create(server, alice, text)).json().id);
    // Bob's prompt is a near copy of one of Alice's: it must never show up in her results.
    await create(server, bob, "How can I reset my password?");
  });
  afterAll(() => server.close());

  it("ranks the caller's prompts by meaning, best first, with scores in [0, 1]", async () => {
    const response = await similar(server, alice, "?q=I forgot my login credentials&k=3");
    expect(response.statusCode).toBe(200);
    const body = response.json<SimilarBody>();
    expect(body.query).toBe("I forgot my login credentials");
    expect(body.results).toHaveLength(3);
    expect(body.results[0]).toMatchObject({ id: ids.get(CORPUS[0] as string), prompt: CORPUS[0] });
    const scores = body.results.map((result) => result.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1);
    expect(body.results[0]?.response).toBe(`[mocked-llm_response] ${CORPUS[0]}`);
  });

  it("finds Spanish paraphrases", async () => {
    const body = (
      await similar(server, alice, `?q=${encodeURIComponent("quiero abrir una cuenta en el banco")}&k=1`)
    ).json<SimilarBody>();
    expect(body.results[0]?.prompt).toBe(CORPUS[4]);
  });

  it("never returns another user's prompts, however many are asked for", async () => {
    const body = (await similar(server, alice, "?q=How can I reset my password?&k=50")).json<SimilarBody>();
    expect(body.results).toHaveLength(CORPUS.length);
    expect(body.results.map((result) => result.prompt).sort()).toEqual([...CORPUS].sort());
    const bobs = (await similar(server, bob, "?q=chocolate cookies&k=50")).json<SimilarBody>();
    expect(bobs.results.map((result) => result.prompt)).toEqual(["How can I reset my password?"]);
  });

  it("defaults k to 5 and leaves out results under min_score", async () => {
    expect((await similar(server, alice, "?q=cookies")).json<SimilarBody>().results).toHaveLength(5);
    const filtered = (
      await similar(server, alice, "?q=chocolate chip cookie recipe&min_score=0.5")
    ).json<SimilarBody>();
    expect(filtered.results.length).toBeGreaterThanOrEqual(1);
    expect(filtered.results.length).toBeLessThan(5);
    for (const result of filtered.results) expect(result.score).toBeGreaterThanOrEqual(0.5);
  });

  it("returns an empty list to a user without prompts", async () => {
    const newcomer = await registerUser(server.app);
    expect((await similar(server, newcomer, "?q=anything")).json()).toEqual({
      query: "anything",
      results: [],
    });
  });

  it.each([
    ["", "q"],
    ["?q=", "q"],
    ["?q=%20%20", "q"],
    [`?q=${"x".repeat(2001)}`, "q"],
    ["?q=hola&k=0", "k"],
    ["?q=hola&k=51", "k"],
    ["?q=hola&k=tres", "k"],
    ["?q=hola&min_score=2", "min_score"],
  ])("answers 400 naming the field to %s", async (query, field) => {
    const response = await similar(server, alice, query);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "invalid", fields: { [field]: expect.any(Array) } });
  });

  it("answers 401 to an anonymous caller", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/prompts/similar?q=hola" });
    expect(response.statusCode).toBe(401);
  });
});

describe("GET /api/prompts/similar with a failing embeddings provider", () => {
  it("answers 502 embedding_error in the embeddings provider's words", async () => {
    const fake = await startFakeOpenAi();
    // Embeds the probe the embedder sends at start, then fails every call.
    fake.handler = (_request, response, index) =>
      index === 0
        ? json(response, 200, JSON.stringify({ data: [{ index: 0, embedding: [1, 0] }] }))
        : json(response, 500, "{}");
    const server = await startServer({
      listen: false,
      embeddings: "openai:test-embedding",
      openaiApiKey: "sk-test",
      openaiBaseUrl: fake.baseUrl,
    });
    try {
      const response = await similar(server, await registerUser(server.app), "?q=anything");
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({
        code: "embedding_error",
        detail: "The embeddings provider answered HTTP 500.",
      });
    } finally {
      await server.close();
      await fake.close();
    }
  });
});

describe("the index across restarts and crashes", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "prompt-similarity-"));
    // A copy of a migrated database: a new one (initdb) took most of the first test's time, and past it on a busy
    // machine.
    await seedEmbeddedDataDir(dataDir);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const restart = async () => {
    const storage = await openStorage({ dataDir });
    const server = await startServer({ listen: false, dataDir, storage });
    return { server, storage };
  };

  it("finds prompts after a restart, and a prompt committed behind its back, loading nothing before the first search", async () => {
    const first = await restart();
    const user = await registerUser(first.server.app, "restarter");
    const created = (await create(first.server, user, "What is the tallest mountain on Earth?")).json();
    await first.server.close();
    await first.storage.close();

    const expectFound = async (server: TestServer, query: string, id: number) => {
      const body = (await similar(server, user, `?q=${encodeURIComponent(query)}&k=1`)).json<SimilarBody>();
      expect(body.results[0]?.id).toBe(id);
    };
    const residentUsers = async (server: TestServer) => {
      const metrics = await server.app.inject({ method: "GET", url: "/metrics" });
      return Number(/^index_resident_users (\d+)$/m.exec(metrics.body)?.[1]);
    };

    let run = await restart();
    expect(await residentUsers(run.server)).toBe(0);
    await expectFound(run.server, "highest peak in the world", created.id);
    expect(await residentUsers(run.server)).toBe(1);
    // A prompt committed with its vector while the index never heard of it (a crash between commit and index):
    const [vectorSource] = await run.storage.embeddings.withEmbeddings([created.id], "bundled:use-lite");
    await run.server.close();
    const orphan = await run.storage.prompts.insert({
      userId: user.id,
      prompt: "Tell me about the deepest ocean trench",
      response: "r",
      model: "mock",
      embedding: { vector: vectorSource?.vector as Float32Array, model: "bundled:use-lite" },
    });
    await run.storage.close();
    run = await restart();
    const body = (
      await similar(run.server, user, "?q=Tell me about the deepest ocean trench&k=2")
    ).json<SimilarBody>();
    expect(body.results.map((result) => result.id)).toContain(orphan.id);
    await run.server.close();
    await run.storage.close();
  });

  it("embeds again, in the background, prompts stored by another model", async () => {
    const storage = await openStorage({ dataDir });
    const user = await storage.users.create({ username: "modelchange", email: "m@b.c", passwordHash: "x" });
    const old = await storage.prompts.insert({
      userId: user.id,
      prompt: "How do I bake sourdough bread?",
      response: "r",
      model: "mock",
      embedding: { vector: Float32Array.from([1, 0, 0, 0]), model: "some-older-model" },
    });
    const server = await startServer({ listen: false, dataDir, storage });
    try {
      for (let attempt = 0; attempt < 50; attempt++) {
        const [row] = await storage.embeddings.withEmbeddings([old.id], "bundled:use-lite");
        if (row?.vector) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [row] = await storage.embeddings.withEmbeddings([old.id], "bundled:use-lite");
      expect(row?.vector).toHaveLength(512);
    } finally {
      await server.close();
      await storage.close();
    }
  });
});

describe("several instances on one database", () => {
  let schema: TestSchema;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    schema = await createTestSchema("similarity");
    first = await startServer({ listen: false, database: schema });
    second = await startServer({ listen: false, database: schema });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await schema?.drop();
  });

  /** Whether a search on `server` finds `id` first within a second of asking again and again. */
  const foundWithinASecond = async (server: TestServer, user: TestUser, query: string, id: number) => {
    const started = Date.now();
    while (Date.now() - started < 1000) {
      const body = (await similar(server, user, `?q=${encodeURIComponent(query)}&k=1`)).json<SimilarBody>();
      if (body.results[0]?.id === id) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  };

  it("finds on one instance a prompt created on the other within a second, for a user it did not hold", async () => {
    const user = await registerUser(first.app);
    const created = (await create(first, user, "Which planet has the most moons?")).json();
    expect(await foundWithinASecond(second, user, "planet with many moons", created.id)).toBe(true);
  });

  it("finds on one instance a prompt created on the other within a second, for a user it holds", async () => {
    const user = await registerUser(first.app);
    await create(first, user, "How do I make a sourdough starter?");
    // The user searches on the second instance, which now holds their index.
    expect((await similar(second, user, "?q=sourdough&k=1")).json<SimilarBody>().results).toHaveLength(1);
    const created = (await create(first, user, "Which planet has the most moons?")).json();
    expect(await foundWithinASecond(second, user, "planet with many moons", created.id)).toBe(true);
  });
});
