import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { ConnectionError, NotFoundError, PromptClient, ValidationError } from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggedInClient } from "../support/clients.js";

/** The URL of a port that was free a moment ago: nothing listens there. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("prompts", () => {
  it("creates a prompt with the model's answer, and reads it back", async () => {
    const { client } = await loggedInClient(server);
    const created = await client.prompts.create({ prompt: "  hola mundo  " });
    expect(created).toEqual({
      id: expect.any(Number),
      prompt: "hola mundo",
      response: "[mocked-llm_response] hola mundo",
      created_at: expect.any(String),
      reused_from: null,
    });
    await expect(client.prompts.get(created.id)).resolves.toEqual(created);
  });

  it("refuses a blank prompt with a ValidationError naming the field", async () => {
    const { client } = await loggedInClient(server);
    const error = await client.prompts.create({ prompt: "   " }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ fields: { prompt: [expect.any(String)] } });
  });

  it("answers NotFoundError for a prompt that does not exist or is another user's", async () => {
    const { client: alice } = await loggedInClient(server);
    const { client: bob } = await loggedInClient(server);
    const own = await alice.prompts.create({ prompt: "mine" });
    await expect(bob.prompts.get(own.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(alice.prompts.get(999_999)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("lists every prompt of the caller, newest first, across pages", async () => {
    const { client, user } = await loggedInClient(server);
    const inserted = [];
    // Through storage: five prompts through the API would wait for the per-user rate limit.
    for (const text of ["one", "two", "three", "four", "five"]) {
      inserted.push(
        await server.storage.prompts.insert({ userId: user.id, prompt: text, response: text, model: "mock" }),
      );
    }
    const listed = [];
    for await (const prompt of client.prompts.list({ limit: 2 })) listed.push(prompt.prompt);
    expect(listed).toEqual(["five", "four", "three", "two", "one"]);

    const pages = [];
    for await (const page of client.prompts.list({ limit: 2 }).pages()) pages.push(page.results.length);
    expect(pages).toEqual([2, 2, 1]);
  });

  it("fails with a ConnectionError when no server listens", async () => {
    const nowhere = new PromptClient({ baseUrl: await closedPortUrl(), accessToken: "t", maxRetries: 0 });
    await expect(nowhere.prompts.get(1)).rejects.toThrow(/ECONNREFUSED/);
    await expect(nowhere.prompts.get(1)).rejects.toBeInstanceOf(ConnectionError);
  });
});
