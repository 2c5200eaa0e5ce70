import type { FastifyError } from "fastify";
import { encodeChat } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import type { ApiError } from "../../src/http/api-error.js";
import { toApiError } from "../../src/http/error-handler.js";
import { singlePrompt } from "../../src/llm/chat.js";
import { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from "../../src/llm/openai.js";
import type { AnswerEnd, ChatRequest } from "../../src/llm/port.js";
import {
  completion,
  type FakeOpenAi,
  json,
  settlesWithin,
  sseEvent,
  startFakeOpenAi,
  startSse,
} from "./fake-openai.js";

const API_KEY = "sk-test-0123456789-secret";
const PROMPT = "What is the capital of France? confidential-prompt-text";
/** The prompt as a GPT-4o chat, framing and the reply's priming included, by the tokenizer's own chat encoder. */
const PROMPT_TOKENS = encodeChat([{ role: "user", content: PROMPT }], "gpt-4o").length;

/** LLM_TIMEOUT's default: no test here waits for it unless it sets a shorter one. */
const TIMEOUT_MS = 30_000;

let fake: FakeOpenAi;
let llm: OpenAiCompatibleLlm;

function adapter(options: Partial<OpenAiCompatibleOptions> = {}): OpenAiCompatibleLlm {
  llm = new OpenAiCompatibleLlm({
    apiKey: API_KEY,
    baseUrl: fake.baseUrl,
    model: "test-model",
    timeoutMs: TIMEOUT_MS,
    ...options,
  });
  return llm;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => expect.fail("expected a rejection"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  // What the client gets: the error handler's answer.
  return toApiError(error as FastifyError);
}

/** The test's chat: the prompt alone, as POST /api/prompts asks it. */
function chat(options: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: singlePrompt(PROMPT), ...options };
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

/** Every piece of a stream, and how it ended. */
async function drain(
  stream: AsyncGenerator<string, AnswerEnd>,
): Promise<{ pieces: string[]; end: AnswerEnd }> {
  const pieces: string[] = [];
  for (let next = await stream.next(); ; next = await stream.next()) {
    if (next.done) return { pieces, end: next.value };
    pieces.push(next.value);
  }
}

/** Everything an error exposes, its causes included, to check that neither the key nor the prompt leaks through any. */
function exposed(error: ApiError): string {
  const causes: unknown[] = [];
  for (let cause = error.cause; cause !== undefined; cause = (cause as Error).cause) causes.push(cause);
  return [error.message, JSON.stringify(error.toBody()), ...causes.map(String), error.stack].join("\n");
}

/** Node's timers; undici's own clock timer may come and go, so the tests only check that none were left behind. */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;
}

beforeAll(async () => {
  fake = await startFakeOpenAi();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.requests = [];
});

afterEach(async () => {
  await llm?.close();
});

describe("complete", () => {
  it("answers with choices[0].message.content", async () => {
    fake.handler = (_request, response) => json(response, 200, completion("Paris."));
    expect((await adapter().complete(chat())).content).toBe("Paris.");
  });

  it("sends the bearer key, the model and the prompt to /chat/completions", async () => {
    fake.handler = (_request, response) => json(response, 200, completion("ok"));
    await adapter().complete(chat());
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      model: "test-model",
      messages: [{ role: "user", content: PROMPT }],
    });
  });

  it("sends the whole chat and the caller's settings, and only those it was given", async () => {
    fake.handler = (_request, response) => json(response, 200, completion("ok"));
    const messages = [
      { role: "system", content: "Answer in French." },
      { role: "user", content: "Capital of Spain?" },
      { role: "assistant", content: "Madrid." },
      { role: "user", content: PROMPT },
    ] as const;
    await adapter().complete({ messages, maxTokens: 50, temperature: 0.2, topP: 0.9, stop: ["\n\n"] });
    expect(JSON.parse(fake.requests[0]?.body ?? "")).toEqual({
      model: "test-model",
      messages,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["\n\n"],
    });
  });

  it("reports the provider's usage and finish reason", async () => {
    fake.handler = (_request, response) =>
      json(
        response,
        200,
        JSON.stringify({
          choices: [{ message: { content: "Par" }, finish_reason: "length" }],
          usage: { prompt_tokens: 17, completion_tokens: 1, total_tokens: 18 },
        }),
      );
    expect(await adapter().complete(chat({ maxTokens: 1 }))).toEqual({
      content: "Par",
      finishReason: "length",
      usage: { promptTokens: 17, completionTokens: 1, estimated: false },
    });
  });

  it("estimates the usage with the tokenizer when the provider reports none", async () => {
    fake.handler = (_request, response) => json(response, 200, completion("Paris is the capital of France."));
    expect(await adapter().complete(chat())).toEqual({
      content: "Paris is the capital of France.",
      finishReason: "stop",
      usage: { promptTokens: PROMPT_TOKENS, completionTokens: 7, estimated: true },
    });
  });

  it("accepts a base URL with a trailing slash", async () => {
    fake.handler = (_request, response) => json(response, 200, completion("ok"));
    await adapter({ baseUrl: `${fake.baseUrl}/` }).complete(chat());
    expect(fake.requests[0]?.url).toBe("/v1/chat/completions");
  });

  it("retries a 429 after its Retry-After, then succeeds", async () => {
    fake.handler = (_request, response, index) =>
      index === 0
        ? json(response, 429, JSON.stringify({ error: { code: "rate_limit_exceeded" } }), {
            "retry-after": "1",
          })
        : json(response, 200, completion("after the wait"));
    const started = performance.now();
    expect((await adapter().complete(chat())).content).toBe("after the wait");
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests).toHaveLength(2);
  });

  it("fails at once when Retry-After is longer than the time left", async () => {
    fake.handler = (_request, response) => json(response, 429, "{}", { "retry-after": "5" });
    const started = performance.now();
    const error = await rejection(adapter({ timeoutMs: 2_000 }).complete(chat()));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe("llm_error");
    expect(error.message).toContain("429");
    expect(fake.requests).toHaveLength(1);
  });

  it("answers 502 llm_error naming the status after a 500 and its retry", async () => {
    fake.handler = (_request, response) =>
      json(response, 500, JSON.stringify({ error: { message: "boom", type: "server_error" } }));
    const error = await rejection(adapter().complete(chat()));
    expect(error.code).toBe("llm_error");
    expect(error.statusCode).toBe(502);
    expect(error.message).toBe("The language model provider answered HTTP 500 (server_error).");
    expect(fake.requests).toHaveLength(2);
  });

  it("does not retry a 400 or a 401", async () => {
    fake.handler = (_request, response) =>
      json(response, 401, JSON.stringify({ error: { code: "invalid_api_key" } }));
    const error = await rejection(adapter().complete(chat()));
    expect(error.message).toBe("The language model provider answered HTTP 401 (invalid_api_key).");
    expect(fake.requests).toHaveLength(1);
  });

  it("never puts the key or the prompt in an error, even when the provider echoes them", async () => {
    const echo = JSON.stringify({
      error: { message: `Incorrect API key provided: ${API_KEY} for ${PROMPT}` },
    });
    fake.handler = (_request, response) => json(response, 401, echo);
    const statusFailure = await rejection(adapter().complete(chat()));
    fake.handler = (_request, response) => json(response, 200, `${API_KEY} ${PROMPT}`);
    const malformed = await rejection(adapter().complete(chat()));
    for (const error of [statusFailure, malformed]) {
      expect(exposed(error)).not.toContain(API_KEY);
      expect(exposed(error)).not.toContain(PROMPT);
    }
  });

  it("retries a dropped connection", async () => {
    fake.handler = (request, response, index) => {
      if (index === 0) response.socket?.destroy();
      else
        json(
          response,
          200,
          completion(`second try ${request.headers.authorization === `Bearer ${API_KEY}`}`),
        );
    };
    expect((await adapter().complete(chat())).content).toBe("second try true");
    expect(fake.requests).toHaveLength(2);
  });

  it("answers 502 when the provider cannot be reached", async () => {
    const error = await rejection(adapter({ baseUrl: "http://127.0.0.1:1/v1" }).complete(chat()));
    expect(error.code).toBe("llm_error");
    expect(error.message).toBe("Could not reach the language model provider (ECONNREFUSED).");
  });

  it("answers 502 for a body that is not JSON", async () => {
    fake.handler = (_request, response) => json(response, 200, "<html>not json</html>");
    const error = await rejection(adapter().complete(chat()));
    expect(error.code).toBe("llm_error");
    expect(error.message).toBe("The language model provider sent a malformed JSON body.");
  });

  it.each([
    ["no choices", JSON.stringify({ choices: [] })],
    ["a null content", completion(null)],
    ["a number content", completion(42)],
    ["no message", JSON.stringify({ choices: [{}] })],
  ])("answers 502 for a body with %s", async (_case, body) => {
    fake.handler = (_request, response) => json(response, 200, body);
    const error = await rejection(adapter().complete(chat()));
    expect(error.code).toBe("llm_error");
    expect(error.message).toContain("choices[0].message.content");
  });

  it("answers 504 llm_timeout within the budget when the provider never answers, and hangs up", async () => {
    fake.handler = () => {};
    const timersBefore = activeTimers();
    const started = performance.now();
    const error = await rejection(adapter({ timeoutMs: 300 }).complete(chat()));
    const elapsed = performance.now() - started;
    expect(error.code).toBe("llm_timeout");
    expect(error.statusCode).toBe(504);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
    expect(await settlesWithin(fake.requests[0]?.connectionClosed ?? Promise.reject(), 1_000)).toBe(true);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });

  it("counts the retry wait in the budget", async () => {
    fake.handler = (_request, response, index) =>
      index === 0 ? json(response, 503, "{}", { "retry-after": "0.2" }) : undefined;
    const started = performance.now();
    const error = await rejection(adapter({ timeoutMs: 500 }).complete(chat()));
    expect(error.code).toBe("llm_timeout");
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(2);
  });

  it("rejects with the caller's reason when the caller aborts, and hangs up", async () => {
    fake.handler = () => {};
    const controller = new AbortController();
    const answer = adapter().complete(chat({ signal: controller.signal }));
    await waitFor(() => fake.requests.length === 1);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
    expect(await settlesWithin(fake.requests[0]?.connectionClosed ?? Promise.reject(), 1_000)).toBe(true);
  });

  it("sends nothing when the caller's signal is already aborted", async () => {
    const reason = new Error("too late");
    await expect(adapter().complete(chat({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("stream", () => {
  it("yields the delta contents in order and stops at [DONE]", async () => {
    const pieces = ["The ", "capital ", "is ", "Paris", "."];
    fake.handler = async (_request, response) => {
      startSse(response);
      response.write(`data: ${JSON.stringify({ choices: [{ delta: { role: "assistant" } }] })}\n\n`);
      for (const piece of pieces) {
        response.write(sseEvent(piece));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      response.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] })}\n\n`);
      response.end("data: [DONE]\n\n");
    };
    expect(await collect(adapter().stream(chat()))).toEqual(pieces);
    const body = JSON.parse(fake.requests[0]?.body ?? "");
    expect(body).toMatchObject({ model: "test-model", stream: true });
    expect(fake.requests[0]?.headers.accept).toBe("text/event-stream");
  });

  it("asks for usage and returns it from the chunk before [DONE], with the finish reason", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.write(sseEvent("Par"));
      response.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "length" }] })}\n\n`);
      const usage = { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 };
      response.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
      response.end("data: [DONE]\n\n");
    };
    expect(await drain(adapter().stream(chat({ maxTokens: 1 })))).toEqual({
      pieces: ["Par"],
      end: { finishReason: "length", usage: { promptTokens: 12, completionTokens: 1, estimated: false } },
    });
    expect(JSON.parse(fake.requests[0]?.body ?? "")).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 1,
    });
  });

  it("estimates a stream's usage when the provider sends none", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.write(sseEvent("Paris is the capital "));
      response.write(sseEvent("of France."));
      response.end("data: [DONE]\n\n");
    };
    expect((await drain(adapter().stream(chat()))).end).toEqual({
      finishReason: "stop",
      usage: { promptTokens: PROMPT_TOKENS, completionTokens: 7, estimated: true },
    });
  });

  it("parses events split across network chunks and several events in one chunk", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      const all = `${sseEvent("héllo ")}${sseEvent("wörld 🌍")}data: [DONE]\n\n`;
      const bytes = Buffer.from(all);
      // Cut inside the multi-byte characters and inside the events.
      response.write(bytes.subarray(0, 30));
      response.write(bytes.subarray(30, 67));
      response.end(bytes.subarray(67));
    };
    expect((await collect(adapter().stream(chat()))).join("")).toBe("héllo wörld 🌍");
  });

  it("closes the connection when the consumer breaks out early", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.write(sseEvent("first "));
      response.write(sseEvent("second "));
      // Never ends: only the client can close this stream.
    };
    const timersBefore = activeTimers();
    const seen: string[] = [];
    for await (const piece of adapter().stream(chat())) {
      seen.push(piece);
      break;
    }
    expect(seen).toEqual(["first "]);
    expect(await settlesWithin(fake.requests[0]?.connectionClosed ?? Promise.reject(), 1_000)).toBe(true);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });

  it("closes the connection when the caller aborts mid-stream", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.write(sseEvent("first "));
    };
    const controller = new AbortController();
    const reason = new Error("stop");
    const iterator = adapter()
      .stream(chat({ signal: controller.signal }))
      [Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: "first " });
    const next = iterator.next();
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    expect(await settlesWithin(fake.requests[0]?.connectionClosed ?? Promise.reject(), 1_000)).toBe(true);
  });

  it("times out when the provider goes quiet mid-stream", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.write(sseEvent("only this"));
    };
    const pieces: string[] = [];
    const started = performance.now();
    const error = await rejection(
      (async () => {
        for await (const piece of adapter({ timeoutMs: 300 }).stream(chat())) pieces.push(piece);
      })(),
    );
    expect(error.code).toBe("llm_timeout");
    expect(pieces).toEqual(["only this"]);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await settlesWithin(fake.requests[0]?.connectionClosed ?? Promise.reject(), 1_000)).toBe(true);
  });

  it("keeps a slow stream alive as long as events keep coming", async () => {
    fake.handler = async (_request, response) => {
      startSse(response);
      for (const piece of ["a", "b", "c", "d"]) {
        response.write(sseEvent(piece));
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      response.end("data: [DONE]\n\n");
    };
    expect(await collect(adapter({ timeoutMs: 300 }).stream(chat()))).toEqual(["a", "b", "c", "d"]);
  });

  it("answers 502 when the provider fails before the stream", async () => {
    fake.handler = (_request, response) => json(response, 500, "{}");
    const error = await rejection(collect(adapter().stream(chat())));
    expect(error.code).toBe("llm_error");
    expect(error.message).toBe("The language model provider answered HTTP 500.");
    expect(fake.requests).toHaveLength(2);
  });

  it("answers 502 when the stream ends without [DONE]", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.end(sseEvent("cut short"));
    };
    const error = await rejection(collect(adapter().stream(chat())));
    expect(error.message).toBe("The language model provider ended the stream before [DONE].");
  });

  it("answers 502 for a malformed event or an error event", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.end(`data: {not json\n\n`);
    };
    expect((await rejection(collect(adapter().stream(chat())))).message).toBe(
      "The language model provider sent a malformed JSON stream event.",
    );
    fake.handler = (_request, response) => {
      startSse(response);
      response.end(`data: ${JSON.stringify({ error: { message: PROMPT, code: "server_error" } })}\n\n`);
    };
    expect((await rejection(collect(adapter().stream(chat())))).message).toBe(
      "The language model provider failed mid-stream (server_error).",
    );
  });

  it("sends nothing until it is iterated", async () => {
    adapter().stream(chat());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
