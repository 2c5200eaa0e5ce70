import { describe, expect, it } from "vitest";
import { MockLlm, mockAnswer } from "../../src/llm/mock.js";

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
    expect(await llm.complete("Hello world")).toBe("[mocked-llm_response] Hello world");
    expect(await llm.complete("")).toBe("[mocked-llm_response] ");
  });

  it("is deterministic", async () => {
    const prompt = "Explain the difference between a process and a thread.";
    expect(await llm.complete(prompt)).toBe(await new MockLlm().complete(prompt));
  });

  it("keeps the first 120 characters of the prompt", async () => {
    const prompt = `${"a".repeat(120)}TAIL`;
    expect(await llm.complete(prompt)).toBe(`[mocked-llm_response] ${"a".repeat(120)}`);
    expect(await llm.complete("b".repeat(120))).toBe(`[mocked-llm_response] ${"b".repeat(120)}`);
  });

  it("counts code points, never splitting a surrogate pair", async () => {
    const prompt = `${"x".repeat(119)}😀😀`;
    const answer = await llm.complete(prompt);
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
      const pieces = await collect(llm.stream(prompt));
      expect(pieces.join("")).toBe(await llm.complete(prompt));
      expect(pieces.length).toBeLessThanOrEqual(4);
    }
    const pieces = await collect(
      llm.stream("What are the three laws of thermodynamics, and how do they apply?"),
    );
    expect(pieces.length).toBeGreaterThanOrEqual(3);
  });

  it("spaces chunks out when asked to", async () => {
    const started = performance.now();
    const pieces = await collect(
      new MockLlm({ chunkDelayMs: 20 }).stream("one two three four five six seven"),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual((pieces.length - 1) * 20 - 5);
  });

  it("honours an aborted signal", async () => {
    const reason = new Error("stop");
    const signal = AbortSignal.abort(reason);
    await expect(llm.complete("hi", { signal })).rejects.toBe(reason);
    await expect(collect(llm.stream("hi", { signal }))).rejects.toBe(reason);
  });

  it("stops a delayed stream when the caller aborts", async () => {
    const controller = new AbortController();
    const iterator = new MockLlm({ chunkDelayMs: 1_000 })
      .stream("one two three four five six seven", { signal: controller.signal })
      [Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    controller.abort();
    await expect(next).rejects.toThrow();
  });
});
