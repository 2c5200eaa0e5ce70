/**
 * A fake OpenAI-compatible upstream for the gateway section, in a process of its own: POST …/chat/completions
 * answers after FAKE_OPENAI_DELAY_MS (200 by default) with a `chat.completion` and its `usage`, or, with
 * `stream: true`, with one content chunk, the usage chunk and `[DONE]` after the same delay. Any path ending in
 * /chat/completions is served, so that the service (OPENAI_BASE_URL=<this>/v1), Portkey (custom host <this>/v1) and
 * a direct client all reach it. GET /stats answers how many completions it served. Plain node:http, no framework:
 * the upstream must cost as little as possible of the machine the gateways share with it.
 */
import { createServer } from "node:http";

const delayMs = Number(process.env.FAKE_OPENAI_DELAY_MS ?? 200);
let served = 0;
let inFlight = 0;
let maxInFlight = 0;

const server = createServer((request, response) => {
  if (request.method === "GET" && request.url === "/stats") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ served, inFlight, maxInFlight }));
    return;
  }
  if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
    return;
  }
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let body: { model?: string; stream?: boolean; messages?: Array<{ content?: unknown }> } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      // Answered anyway: the benchmark's clients send JSON.
    }
    const last = body.messages?.at(-1)?.content;
    const question = typeof last === "string" ? last : "";
    const content = `Here is an answer to: ${question.slice(0, 200)}`;
    const model = body.model ?? "gpt-4o-mini";
    const usage = { prompt_tokens: 12, completion_tokens: 24, total_tokens: 36 };
    const id = `chatcmpl-fake${served}`;
    const created = Math.floor(Date.now() / 1000);
    setTimeout(() => {
      inFlight--;
      served++;
      if (body.stream) {
        response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const chunk = (delta: object, finish: string | null, extra: object = {}) =>
          `data: ${JSON.stringify({
            id,
            object: "chat.completion.chunk",
            created,
            model,
            choices: [{ index: 0, delta, finish_reason: finish }],
            ...extra,
          })}\n\n`;
        response.write(chunk({ role: "assistant", content }, null));
        response.write(chunk({}, "stop"));
        response.write(
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`,
        );
        response.end("data: [DONE]\n\n");
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model,
          choices: [
            { index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null },
          ],
          usage,
        }),
      );
    }, delayMs);
  });
});
// Longer than any client's keep-alive, so that no client sends on a socket this side is closing.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ type: "ready", url: `http://127.0.0.1:${port}` });
});
process.on("disconnect", () => process.exit(0));
