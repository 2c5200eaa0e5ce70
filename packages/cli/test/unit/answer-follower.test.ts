import { describe, expect, it } from "vitest";
import { AnswerFollower } from "../../src/submit/answer-follower.js";
import { completed, delta, FakeStream, failed } from "../support/fake-stream.js";

function follow() {
  const stream = new FakeStream();
  const written: string[] = [];
  const follower = new AnswerFollower(stream, (text) => written.push(text));
  return { stream, follower, written };
}

describe("following a streamed answer", () => {
  it("writes the deltas as they come, then the newline once the prompt is complete", async () => {
    const { stream, follower, written } = follow();
    stream.push(delta(4, 0, "[mocked-llm_response] "));
    stream.push(delta(4, 1, "hola "));
    expect(written).toEqual(["[mocked-llm_response] ", "hola "]);
    stream.push(delta(4, 2, "mundo"));
    stream.push(completed(4, "hola mundo", "[mocked-llm_response] hola mundo"));
    await follower.finish(4, "[mocked-llm_response] hola mundo", 1_000);
    expect(written.join("")).toBe("[mocked-llm_response] hola mundo\n");
  });

  it("ignores answers that started before it listened, and others' after it took one", async () => {
    const { stream, follower, written } = follow();
    stream.push(delta(3, 1, "late piece of an older answer"));
    stream.push(delta(4, 0, "mine "));
    stream.push(delta(5, 0, "someone else's"));
    stream.push(delta(4, 1, "too"));
    stream.push(completed(4, "p", "mine too"));
    await follower.finish(4, "mine too", 1_000);
    expect(written.join("")).toBe("mine too\n");
  });

  it("writes what the stream lost once the wait for it is over", async () => {
    const { stream, follower, written } = follow();
    stream.push(delta(4, 0, "[mocked-llm_response] "));
    await follower.finish(4, "[mocked-llm_response] hola mundo", 10);
    expect(written.join("")).toBe("[mocked-llm_response] hola mundo\n");
  });

  it("writes the right answer on a line of its own when it followed another prompt", async () => {
    const { stream, follower, written } = follow();
    stream.push(delta(9, 0, "another session's answer"));
    stream.push(completed(4, "hola", "[mocked-llm_response] hola"));
    await follower.finish(4, "[mocked-llm_response] hola", 1_000);
    expect(written.join("")).toBe("another session's answer\n[mocked-llm_response] hola\n");
  });

  it("ends a partly written line and stops listening when abandoned", () => {
    const { stream, follower, written } = follow();
    stream.push(delta(4, 0, "half an "));
    stream.push(failed(4, "llm_error", "The language model provider failed to answer."));
    follower.abandon();
    stream.push(delta(4, 1, "answer"));
    expect(written.join("")).toBe("half an \n");
  });
});
