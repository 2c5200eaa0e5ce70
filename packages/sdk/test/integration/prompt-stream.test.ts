import {
  AbortError,
  type PromptEvent,
  PromptFailedError,
  type PromptFailure,
  RateLimitError,
  ValidationError,
} from "@prompt-service/sdk";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPrompts, loggedInClient } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  // The mock model streams word by word, 20 ms apart: long enough to see pieces arrive one by one.
  server = await startServer({ mockLlmDelay: "20ms", promptRateLimits: "5/min" });
});
afterAll(() => server.close());

describe("prompts.stream", () => {
  it("yields the answer's pieces as they are written, then the stored prompt", async () => {
    const { client } = await loggedInClient(server);
    const stream = client.prompts.stream({ prompt: "tell me a story about a brave little toaster" });
    const events: PromptEvent[] = [];
    const arrivals: number[] = [];
    for await (const event of stream) {
      events.push(event);
      arrivals.push(performance.now());
    }
    const deltas = events.filter((event) => event.type === "prompt.delta");
    expect(deltas.length).toBeGreaterThan(2);
    // Pieces came apart in time, not all at once at the end.
    expect((arrivals.at(-1) as number) - (arrivals[0] as number)).toBeGreaterThan(40);
    const last = events.at(-1);
    expect(last?.type).toBe("prompt.message");
    const final = await stream.finalPrompt();
    expect(final).toEqual(last?.data);
    expect(deltas.map((event) => event.data.delta).join("")).toBe(final.response);
    await expect(client.prompts.get(final.id)).resolves.toEqual(final);
  });

  it("gives the stored prompt through finalPrompt alone", async () => {
    const { client } = await loggedInClient(server);
    const prompt = await client.prompts.stream({ prompt: "hola mundo" }).finalPrompt();
    expect(prompt).toMatchObject({
      prompt: "hola mundo",
      response: "[mocked-llm_response] hola mundo",
      reused_from: null,
    });
  });

  it("rejects as create does before the answer begins: validation, throttling", async () => {
    const { client } = await loggedInClient(server);
    await expect(client.prompts.stream({ prompt: "   " }).finalPrompt()).rejects.toBeInstanceOf(
      ValidationError,
    );
    // Past the throttle (5 a minute, the blank prompt included), the stream rejects with RateLimitError.
    let error: unknown;
    for (let sent = 0; sent < 6 && !error; sent++) {
      error = await client.prompts
        .stream({ prompt: `one more ${sent}` }, { maxRetries: 0 })
        .finalPrompt()
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
    }
    expect(error).toBeInstanceOf(RateLimitError);
  });

  it("stops reading on abort, and the server, whose client has gone, stores nothing", async () => {
    const { client } = await loggedInClient(server);
    const events = client.events();
    try {
      await events.ready();
      const failed = new Promise<PromptFailure>((resolve) => events.on("prompt_failed", resolve));
      const stream = client.prompts.stream({
        prompt: "a long answer that nobody reads to the end",
        websocket: true,
      });
      const seen: PromptEvent[] = [];
      const reading = (async () => {
        for await (const event of stream) {
          seen.push(event);
          stream.abort();
        }
      })();
      await expect(reading).rejects.toBeInstanceOf(AbortError);
      await expect(stream.finalPrompt()).rejects.toBeInstanceOf(AbortError);
      expect(seen).toHaveLength(1);
      // The user's other streams hear that the prompt will not be stored.
      await expect(failed).resolves.toMatchObject({ id: seen[0]?.data.id });
      expect(await allPrompts(client)).toEqual([]);
    } finally {
      await events.close();
    }
  });

  it("is a PromptFailedError type the caller can catch", () => {
    const failure = new PromptFailedError(7, "llm_error", "The language model failed to answer.");
    expect(failure).toMatchObject({ promptId: 7, code: "llm_error" });
  });
});
