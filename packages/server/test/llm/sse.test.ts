import { describe, expect, it } from "vitest";
import { sseData } from "../../src/llm/sse.js";

async function* bytes(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const items: string[] = [];
  for await (const item of source) items.push(item);
  return items;
}

describe("sseData", () => {
  it("yields the data of each event in order", async () => {
    expect(await collect(sseData(bytes("data: a\n\ndata: b\n\n", "data: [DONE]\n\n")))).toEqual([
      "a",
      "b",
      "[DONE]",
    ]);
  });

  it("joins events and characters split across chunks", async () => {
    const euro = Buffer.from("data: 1€\n\n");
    expect(await collect(sseData(bytes(euro.subarray(0, 8), euro.subarray(8))))).toEqual(["1€"]);
    expect(await collect(sseData(bytes("da", "ta: x", "\r\n", "\r\n")))).toEqual(["x"]);
  });

  it("ignores comments, other fields and an unfinished last event", async () => {
    expect(
      await collect(sseData(bytes(": keep-alive\n\nevent: message\nid: 1\ndata: a\n\ndata: cut"))),
    ).toEqual(["a"]);
  });

  it("fails on a line that never ends instead of buffering it forever", async () => {
    const huge = `data: ${"x".repeat(1 << 20)}`;
    await expect(collect(sseData(bytes(huge)))).rejects.toThrow(/max buffer size/);
  });
});
