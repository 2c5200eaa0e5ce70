import { PassThrough } from "node:stream";
import type { FastifyReply } from "fastify";
import type { PromptEvent } from "../realtime/events.js";

/**
 * A prompt's events as server-sent events on the request's own reply (POST /api/prompts with `stream: true`), in
 * the WebSocket's envelope: `event:` is the message type, `data:` the JSON the WebSocket sends.
 *
 * The reply starts at the first event, so that anything that fails before it (the database, a model that refuses
 * at once) still answers with its usual status and JSON error. Each event is written as it comes: nothing buffers
 * it (`X-Accel-Buffering` tells nginx-style proxies so too). A client that goes away ends the stream, not the work:
 * later events are dropped and the prompt is stored as usual.
 */
export class PromptEventStream {
  #stream: PassThrough | undefined;

  constructor(private readonly reply: FastifyReply) {}

  get started(): boolean {
    return this.#stream !== undefined;
  }

  send(event: PromptEvent): void {
    if (!this.#stream) {
      this.#stream = new PassThrough();
      void this.reply
        .code(200)
        .header("content-type", "text/event-stream; charset=utf-8")
        .header("cache-control", "no-cache, no-transform")
        .header("x-accel-buffering", "no")
        .send(this.#stream);
    }
    if (this.#stream.writable) this.#stream.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  end(): void {
    this.#stream?.end();
  }
}
