import { createOpenAI } from "@ai-sdk/openai";
import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import { APICallError, embed, embedMany, generateText, streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "./api-key.js";

/**
 * A second OpenAI-compatible client that nobody here wrote: the Vercel AI SDK (`ai` with `@ai-sdk/openai`), its
 * chat provider pointed at `/v1` with a `ps_` key. It writes its own requests (system prompts as messages, its own
 * stream options) and reads the answers its own way.
 */
describe("the Vercel AI SDK against /v1", () => {
  let server: TestServer;
  let user: TestUser;
  let provider: ReturnType<typeof createOpenAI>;

  beforeAll(async () => {
    server = await startServer();
    user = await registerUser(server.app);
    provider = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: await createApiKey(server.app, user) });
  });
  afterAll(() => server.close());

  it("generates text with a system prompt, and reads the usage that was stored", async () => {
    const result = await generateText({
      model: provider.chat("mock"),
      system: "You answer in one line.",
      prompt: "What does a compiler do?",
      maxRetries: 0,
    });
    expect(result.text).toBe("[mocked-llm_response] What does a compiler do?");
    expect(result.finishReason).toBe("stop");
    const [stored] = await server.storage.prompts.list(user.id, { limit: 1 });
    expect(stored).toMatchObject({
      prompt: "What does a compiler do?",
      messages: [
        { role: "system", content: "You answer in one line." },
        { role: "user", content: "What does a compiler do?" },
      ],
    });
    expect(result.usage).toMatchObject({
      inputTokens: stored?.promptTokens,
      outputTokens: stored?.completionTokens,
      totalTokens: (stored?.promptTokens ?? 0) + (stored?.completionTokens ?? 0),
    });
  });

  it("streams text, with the usage at the end", async () => {
    const result = streamText({ model: provider.chat("mock"), prompt: "Tell me about tides", maxRetries: 0 });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("[mocked-llm_response] Tell me about tides");
    const usage = await result.usage;
    const [stored] = await server.storage.prompts.list(user.id, { limit: 1 });
    expect(stored?.prompt).toBe("Tell me about tides");
    expect(usage).toMatchObject({
      inputTokens: stored?.promptTokens,
      outputTokens: stored?.completionTokens,
    });
    expect(usage.outputTokens).toBeGreaterThan(0);
  });

  it("embeds one value and many with the server's embedding model", async () => {
    const model = provider.embedding("bundled:use-lite");
    const one = await embed({ model, value: "hola mundo", maxRetries: 0 });
    expect(one.embedding).toHaveLength(512);
    const many = await embedMany({ model, values: ["hola mundo", "good morning"], maxRetries: 0 });
    expect(many.embeddings).toHaveLength(2);
    expect(
      Math.max(...one.embedding.map((value, index) => Math.abs(value - (many.embeddings[0]?.[index] ?? 0)))),
    ).toBeLessThan(1e-6);
    expect(many.usage.tokens).toBeGreaterThan(0);
  });

  it("raises its APICallError with OpenAI's status and body for another model", async () => {
    const error = await generateText({ model: provider.chat("gpt-4o"), prompt: "hi", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 404 });
    expect(JSON.parse((error as APICallError).responseBody ?? "{}")).toMatchObject({
      error: { code: "model_not_found", param: "model" },
    });
  });
});
