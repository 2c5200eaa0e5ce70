import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors.js";
import { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from "../../src/llm/openai.js";
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

let fake: FakeOpenAi;
let llm: OpenAiCompatibleLlm;

function adapter(options: Partial<OpenAiCompatibleOptions> = {}): OpenAiCompatibleLlm {
  llm = new OpenAiCompatibleLlm({ apiKey: API_KEY, baseUrl: fake.baseUrl, model: "test-model", ...options });
  return llm;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => expect.fail("expected a rejection"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

/** Everything an error exposes, to check that neither the key nor the prompt leaks through any of it. */
function exposed(error: ApiError): string {
  return [error.message, JSON.stringify(error.toBody()), String(error.cause), error.stack].join("\n");
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
    expect(await adapter().complete(PROMPT)).toBe("Paris.");
  });

  it("sends the bearer key, the model and the prompt to /chat/completions", async () => {
    fake.handler = (_request, response) => json(response, 200, completion("ok"));
    await adapter().complete(PROMPT);
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

  it("accepts a base URL with a trailing slash", async () => {
    fake.handler = (_request, response) => json(response, 200, completion("ok"));
    await adapter({ baseUrl: `${fake.baseUrl}/` }).complete(PROMPT);
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
    expect(await adapter().complete(PROMPT)).toBe("after the wait");
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests).toHaveLength(2);
  });

  it("fails at once when Retry-After is longer than the time left", async () => {
    fake.handler = (_request, response) => json(response, 429, "{}", { "retry-after": "5" });
    const started = performance.now();
    const error = await rejection(adapter({ timeoutMs: 2_000 }).complete(PROMPT));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe("llm_error");
    expect(error.message).toContain("429");
    expect(fake.requests).toHaveLength(1);
  });

  it("answers 502 llm_error naming the status after a 500 and its retry", async () => {
    fake.handler = (_request, response) =>
      json(response, 500, JSON.stringify({ error: { message: "boom", type: "server_error" } }));
    const error = await rejection(adapter().complete(PROMPT));
    expect(error.code).toBe("llm_error");
    expect(error.statusCode).toBe(502);
    expect(error.message).toBe("The language model provider answered HTTP 500 (server_error).");
    expect(fake.requests).toHaveLength(2);
  });

  it("does not retry a 400 or a 401", async () => {
    fake.handler = (_request, response) =>
      json(response, 401, JSON.stringify({ error: { code: "invalid_api_key" } }));
    const error = await rejection(adapter().complete(PROMPT));
    expect(error.message).toBe("The language model provider answered HTTP 401 (invalid_api_key).");
    expect(fake.requests).toHaveLength(1);
  });

  it("never puts the key or the prompt in an error, even when the provider echoes them", async () => {
    const echo = JSON.stringify({
      error: { message: `Incorrect API key provided: ${API_KEY} for ${PROMPT}` },
    });
    fake.handler = (_request, response) => json(response, 401, echo);
    const statusFailure = await rejection(adapter().complete(PROMPT));
    fake.handler = (_request, response) => json(response, 200, `${API_KEY} ${PROMPT}`);
    const malformed = await rejection(adapter().complete(PROMPT));
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
    expect(await adapter().complete(PROMPT)).toBe("second try true");
    expect(fake.requests).toHaveLength(2);
  });

  it("answers 502 when the provider cannot be reached", async () => {
    const error = await rejection(adapter({ baseUrl: "http://127.0.0.1:1/v1" }).complete(PROMPT));
    expect(error.code).toBe("llm_error");
    expect(error.message).toBe("Could not reach the language model provider (ECONNREFUSED).");
  });

  it("answers 502 for a body that is not JSON", async () => {
    fake.handler = (_request, response) => json(response, 200, "<html>not json</html>");
    const error = await rejection(adapter().complete(PROMPT));
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
    const error = await rejection(adapter().complete(PROMPT));
    expect(error.code).toBe("llm_error");
    expect(error.message).toContain("choices[0].message.content");
  });

  it("answers 504 llm_timeout within the budget when the provider never answers, and hangs up", async () => {
    fake.handler = () => {};
    const timersBefore = activeTimers();
    const started = performance.now();
    const error = await rejection(adapter({ timeoutMs: 300 }).complete(PROMPT));
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
    const error = await rejection(adapter({ timeoutMs: 500 }).complete(PROMPT));
    expect(error.code).toBe("llm_timeout");
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(2);
  });

  it("rejects with the caller's reason when the caller aborts, and hangs up", async () => {
    fake.handler = () => {};
    const controller = new AbortController();
    const answer = adapter().complete(PROMPT, { signal: controller.signal });
    await waitFor(() => fake.requests.length === 1);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
    expect(await settlesWithin(fake.requests[0]?.connectionClosed ?? Promise.reject(), 1_000)).toBe(true);
  });

  it("sends nothing when the caller's signal is already aborted", async () => {
    const reason = new Error("too late");
    await expect(adapter().complete(PROMPT, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
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
    expect(await collect(adapter().stream(PROMPT))).toEqual(pieces);
    const body = JSON.parse(fake.requests[0]?.body ?? "");
    expect(body).toMatchObject({ model: "test-model", stream: true });
    expect(fake.requests[0]?.headers.accept).toBe("text/event-stream");
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
    expect((await collect(adapter().stream(PROMPT))).join("")).toBe("héllo wörld 🌍");
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
    for await (const piece of adapter().stream(PROMPT)) {
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
    const iterator = adapter().stream(PROMPT, { signal: controller.signal })[Symbol.asyncIterator]();
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
        for await (const piece of adapter({ timeoutMs: 300 }).stream(PROMPT)) pieces.push(piece);
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
    expect(await collect(adapter({ timeoutMs: 300 }).stream(PROMPT))).toEqual(["a", "b", "c", "d"]);
  });

  it("answers 502 when the provider fails before the stream", async () => {
    fake.handler = (_request, response) => json(response, 500, "{}");
    const error = await rejection(collect(adapter().stream(PROMPT)));
    expect(error.code).toBe("llm_error");
    expect(error.message).toBe("The language model provider answered HTTP 500.");
    expect(fake.requests).toHaveLength(2);
  });

  it("answers 502 when the stream ends without [DONE]", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.end(sseEvent("cut short"));
    };
    const error = await rejection(collect(adapter().stream(PROMPT)));
    expect(error.message).toBe("The language model provider ended the stream before [DONE].");
  });

  it("answers 502 for a malformed event or an error event", async () => {
    fake.handler = (_request, response) => {
      startSse(response);
      response.end(`data: {not json\n\n`);
    };
    expect((await rejection(collect(adapter().stream(PROMPT)))).message).toBe(
      "The language model provider sent a malformed JSON stream event.",
    );
    fake.handler = (_request, response) => {
      startSse(response);
      response.end(`data: ${JSON.stringify({ error: { message: PROMPT, code: "server_error" } })}\n\n`);
    };
    expect((await rejection(collect(adapter().stream(PROMPT)))).message).toBe(
      "The language model provider failed mid-stream (server_error).",
    );
  });

  it("sends nothing until it is iterated", async () => {
    adapter().stream(PROMPT);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
