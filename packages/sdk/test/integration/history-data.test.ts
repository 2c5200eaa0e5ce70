import { type ExportLine, NotFoundError, type PromptEvent, ValidationError } from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPrompts, loggedInClient } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  // A small body limit, so that an import of a few prompts takes several requests.
  server = await startServer({ exportRateLimits: "100/min", bodyLimit: 2048 });
});
afterAll(() => server.close());

/** `count` prompts stored straight into the user's history, a second apart, oldest first. */
async function seed(userId: number, count: number) {
  for (let index = 0; index < count; index++) {
    await server.storage.prompts.insert({
      userId,
      prompt: `prompt ${index} ${"x".repeat(200)}`,
      response: `answer ${index}`,
      model: "mock",
    });
  }
}

async function collect<T>(lines: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe("prompts.delete", () => {
  it("removes the prompt from history, tells the user's streams, and 404s after", async () => {
    const { client } = await loggedInClient(server);
    const kept = await client.prompts.create({ prompt: "keep me" });
    const gone = await client.prompts.create({ prompt: "delete me" });
    const stream = client.events();
    try {
      await stream.ready();
      const deleted = new Promise<PromptEvent>((resolve) =>
        stream.on("prompt_deleted", (_, event) => resolve(event)),
      );
      await client.prompts.delete(gone.id);
      await expect(deleted).resolves.toEqual({
        type: "prompt.message",
        event: "prompt_deleted",
        data: { id: gone.id },
      });
    } finally {
      await stream.close();
    }
    expect((await allPrompts(client)).map((prompt) => prompt.id)).toEqual([kept.id]);
    await expect(client.prompts.get(gone.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.prompts.delete(gone.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("cannot delete another user's prompt", async () => {
    const { client: alice } = await loggedInClient(server);
    const { client: bob } = await loggedInClient(server);
    const hers = await alice.prompts.create({ prompt: "hers" });
    await expect(bob.prompts.delete(hers.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(alice.prompts.get(hers.id)).resolves.toEqual(hers);
  });
});

describe("prompts.export and prompts.import", () => {
  it("export yields the whole history oldest first, with each prompt's model and usage", async () => {
    const { client, user } = await loggedInClient(server);
    await seed(user.id, 3);
    const lines = await collect(client.prompts.export());
    expect(lines.map((line) => line.response)).toEqual(["answer 0", "answer 1", "answer 2"]);
    expect(lines[0]).toMatchObject({ model: "mock", usage: expect.any(Object), reused_from: null });
  });

  it("stops reading when the loop is left", async () => {
    const { client, user } = await loggedInClient(server);
    await seed(user.id, 3);
    const first: ExportLine[] = [];
    for await (const line of client.prompts.export()) {
      first.push(line);
      break;
    }
    expect(first.map((line) => line.response)).toEqual(["answer 0"]);
    // The connection was given back: the next request goes through.
    await expect(client.auth.me()).resolves.toMatchObject({ id: user.id });
  });

  it("import copies a history into another account, in requests under the body limit, once", async () => {
    const { client: alice, user } = await loggedInClient(server);
    await seed(user.id, 12); // about 3 KB of NDJSON: more than one 2 KB request
    const exported = await collect(alice.prompts.export());
    const { client: bob } = await loggedInClient(server);

    // The client's default request size is the server's default limit, 256 KB: this server takes 2 KB, answers
    // 413, and the client sends smaller requests.
    await expect(bob.prompts.import(exported)).resolves.toEqual({ imported: 12, skipped: 0 });
    const copied = await allPrompts(bob);
    const shape = (line: { prompt: string; response: string; created_at: string }) => ({
      prompt: line.prompt,
      response: line.response,
      created_at: line.created_at,
    });
    expect(copied.map(shape).reverse()).toEqual(exported.map(shape));

    // An async iterable of NDJSON text, as a file read line by line: everything is already there.
    async function* fileLines() {
      for (const line of exported) yield JSON.stringify(line);
    }
    await expect(bob.prompts.import(fileLines(), { maxBytes: 1024 })).resolves.toEqual({
      imported: 0,
      skipped: 12,
    });
    expect(await allPrompts(bob)).toHaveLength(12);
  });

  it("names a bad line by its number in the input; the requests before it stay imported", async () => {
    const { client } = await loggedInClient(server);
    const line = (index: number) =>
      JSON.stringify({
        prompt: `p${index}`,
        response: "r",
        created_at: new Date(Date.UTC(2024, 0, index + 1)).toISOString(),
      });
    const input = [
      line(0),
      line(1),
      "",
      line(2),
      line(3),
      '{"prompt":"p4","response":"r","created_at":"yesterday"}',
    ];
    // Two lines a request: [p0, p1], [p2, p3], then the bad one alone.
    const maxBytes = 2 * (line(0).length + 1);
    const error = await client.prompts.import(input, { maxBytes }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual({ "line 6: created_at": [expect.any(String)] });
    expect((error as ValidationError).detail).toMatch(/^line 6: created_at: /);
    const stored = await allPrompts(client);
    expect(stored.map((prompt) => prompt.prompt).sort()).toEqual(["p0", "p1", "p2", "p3"]);
  });
});
