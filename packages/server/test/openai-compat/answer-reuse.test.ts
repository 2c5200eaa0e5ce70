import { registerUser, startServer, type TestServer, type TestUser } from "@prompt-service/testkit";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "./api-key.js";

/**
 * ANSWER_REUSE_MIN_SCORE on /v1: a single question may get the user's earlier answer to the same question, with no
 * model call and no tokens; a conversation never does, whatever its last message, because an earlier answer to the
 * same words in another conversation does not answer this one.
 */
describe("answer reuse on /v1", () => {
  let server: TestServer;
  let user: TestUser;
  let client: OpenAI;
  const QUESTION = "How many legs does a spider have?";

  beforeAll(async () => {
    server = await startServer({ answerReuseMinScore: 0.5 });
    user = await registerUser(server.app);
    client = new OpenAI({
      apiKey: await createApiKey(server.app, user),
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
    });
  });
  afterAll(() => server.close());

  const stored = async (completion: OpenAI.ChatCompletion) =>
    server.storage.prompts.get(user.id, Number(completion.id.slice("chatcmpl-".length)));

  it("reuses the earlier answer for the same single question, at no token cost", async () => {
    const first = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: QUESTION }],
    });
    const again = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: QUESTION }],
    });
    expect(again.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(await stored(again)).toMatchObject({
      reusedFrom: Number(first.id.slice("chatcmpl-".length)),
      promptTokens: 0,
      completionTokens: 0,
    });
    expect(again.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it("never reuses for a conversation or a system prompt, even when its last message is the same question", async () => {
    const conversations: OpenAI.ChatCompletionMessageParam[][] = [
      [
        { role: "user", content: "Let's talk about insects with six legs." },
        { role: "assistant", content: "Sure." },
        { role: "user", content: QUESTION },
      ],
      [
        { role: "system", content: "Answer as a pirate." },
        { role: "user", content: QUESTION },
      ],
    ];
    for (const messages of conversations) {
      const completion = await client.chat.completions.create({ model: "mock", messages });
      const row = await stored(completion);
      expect(row?.reusedFrom, JSON.stringify(messages)).toBeNull();
      expect(row?.completionTokens).toBeGreaterThan(0);
    }
  });
});
