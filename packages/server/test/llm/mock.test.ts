import { countTokens, encodeChat } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { singlePrompt } from "../../src/llm/chat.js";
import { MockLlm, mockAnswer } from "../../src/llm/mock.js";

/** The mock's answer to a single prompt, as POST /api/prompts asks it. */
async function answerTo(llm: MockLlm, prompt: string): Promise<string> {
  return (await llm.complete({ messages: singlePrompt(prompt) })).content;
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

describe("MockLlm", () => {
  const llm = new MockLlm();

  it("names itself mock", () => {
    expect(llm.provider).toBe("mock");
    expect(llm.model).toBe("mock");
  });

  it("answers like the original service", async () => {
    expect(await answerTo(llm, "Hello world")).toBe("[mocked-llm_response] Hello world");
    expect(await answerTo(llm, "")).toBe("[mocked-llm_response] ");
  });

  it("answers a chat's last user turn and estimates its usage", async () => {
    const messages = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
      { role: "user", content: "second question" },
    ] as const;
    const content = "[mocked-llm_response] second question";
    expect(await llm.complete({ messages })).toEqual({
      content,
      finishReason: "stop",
      usage: {
        promptTokens: encodeChat([...messages], "gpt-4o").length,
        completionTokens: countTokens(content),
        estimated: true,
      },
    });
  });

  it("is deterministic", async () => {
    const prompt = "Explain the difference between a process and a thread.";
    expect(await answerTo(llm, prompt)).toBe(await answerTo(new MockLlm(), prompt));
  });

  it("keeps the first 120 characters of the prompt", async () => {
    const prompt = `${"a".repeat(120)}TAIL`;
    expect(await answerTo(llm, prompt)).toBe(`[mocked-llm_response] ${"a".repeat(120)}`);
    expect(await answerTo(llm, "b".repeat(120))).toBe(`[mocked-llm_response] ${"b".repeat(120)}`);
  });

  it("counts code points, never splitting a surrogate pair", async () => {
    const prompt = `${"x".repeat(119)}😀😀`;
    const answer = await answerTo(llm, prompt);
    expect(answer).toBe(`[mocked-llm_response] ${"x".repeat(119)}😀`);
    expect(answer).not.toMatch(/\p{Cs}/u);
    expect(mockAnswer("😀".repeat(200))).toBe(`[mocked-llm_response] ${"😀".repeat(120)}`);
  });

  it("streams a few chunks that add up to the whole answer", async () => {
    for (const prompt of [
      "What are the three laws of thermodynamics, and how do they apply to refrigerators?",
      "x".repeat(300),
      "one",
      "",
      "  leading and   inner spaces  ",
    ]) {
      const pieces = await collect(llm.stream({ messages: singlePrompt(prompt) }));
      expect(pieces.join("")).toBe(await answerTo(llm, prompt));
      expect(pieces.length).toBeLessThanOrEqual(4);
    }
    const pieces = await collect(
      llm.stream({
        messages: singlePrompt("What are the three laws of thermodynamics, and how do they apply?"),
      }),
    );
    expect(pieces.length).toBeGreaterThanOrEqual(3);
  });

  it("spaces chunks out when asked to", async () => {
    const started = performance.now();
    const pieces = await collect(
      new MockLlm({ chunkDelayMs: 20 }).stream({
        messages: singlePrompt("one two three four five six seven"),
      }),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual((pieces.length - 1) * 20 - 5);
  });

  it("honours an aborted signal", async () => {
    const reason = new Error("stop");
    const signal = AbortSignal.abort(reason);
    await expect(llm.complete({ messages: singlePrompt("hi"), signal })).rejects.toBe(reason);
    await expect(collect(llm.stream({ messages: singlePrompt("hi"), signal }))).rejects.toBe(reason);
  });

  it("stops a delayed stream when the caller aborts", async () => {
    const controller = new AbortController();
    const iterator = new MockLlm({ chunkDelayMs: 1_000 })
      .stream({ messages: singlePrompt("one two three four five six seven"), signal: controller.signal })
      [Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    controller.abort();
    await expect(next).rejects.toThrow();
  });
});
