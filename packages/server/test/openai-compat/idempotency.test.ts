import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiKey } from "./api-key.js";

// The official openai package sending Idempotency-Key, as an app that retries on its own would.
let server: TestServer;
let user: TestUser;
let client: OpenAI;

beforeAll(async () => {
  server = await startServer();
  user = await registerUser(server.app);
  client = new OpenAI({
    apiKey: await createApiKey(server.app, user),
    baseURL: `${server.url}/v1`,
    maxRetries: 0,
  });
});
afterAll(() => server.close());

const ask = (content: string) => ({ model: "mock", messages: [{ role: "user" as const, content }] });
const storedCount = async (text: string) =>
  (await server.storage.prompts.list(user.id, { limit: 100 })).filter((prompt) => prompt.prompt === text)
    .length;

it("replays the first completion for the same key and body, with Idempotent-Replayed, and stores one prompt", async () => {
  const headers = { "Idempotency-Key": "v1-replay" };
  const first = await client.chat.completions.create(ask("once only"), { headers }).withResponse();
  const again = await client.chat.completions.create(ask("once only"), { headers }).withResponse();
  expect(again.data).toEqual(first.data);
  expect(again.response.headers.get("idempotent-replayed")).toBe("true");
  expect(first.response.headers.get("idempotent-replayed")).toBeNull();
  expect(await storedCount("once only")).toBe(1);
});

it("replays a streamed completion as a stream of the stored answer", async () => {
  const headers = { "Idempotency-Key": "v1-stream" };
  const read = async () => {
    let text = "";
    const stream = await client.chat.completions.create({ ...ask("stream once"), stream: true }, { headers });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    return text;
  };
  const first = await read();
  expect(await read()).toBe(first);
  expect(await storedCount("stream once")).toBe(1);
});

it("refuses the same key with another body with OpenAI's 422, which the client raises as UnprocessableEntityError", async () => {
  const headers = { "Idempotency-Key": "v1-mismatch" };
  await client.chat.completions.create(ask("the first"), { headers });
  const refused = client.chat.completions.create(ask("another"), { headers });
  await expect(refused).rejects.toBeInstanceOf(OpenAI.UnprocessableEntityError);
  await expect(refused).rejects.toMatchObject({ status: 422, code: "idempotency_key_reused" });
  expect(await storedCount("another")).toBe(0);
});
