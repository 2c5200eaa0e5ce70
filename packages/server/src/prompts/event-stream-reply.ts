import type { PassThrough } from "node:stream";
import type { FastifyReply } from "fastify";
import { openEventStream } from "../http/event-stream.js";
import type { PromptEvent } from "./events.js";

/**
 * A prompt's events as server-sent events on the request's own reply (POST /api/prompts with `stream: true`), in
 * the WebSocket's envelope: `event:` is the message type, `data:` the JSON the WebSocket sends.
 *
 * The reply starts with the model's first piece (or the stored prompt, for a reused answer): `prompt.start` waits
 * for it. Anything that fails before (the database, a model that refuses or times out before writing) answers with
 * its usual status and JSON error, such as a 502 `llm_error`, which an HTTP client acts on by its status; a failure
 * after it is the stream's last event, `prompt.error`, since the 200 is sent by then. Each event is written as it
 * comes: nothing buffers it (`X-Accel-Buffering` tells nginx-style proxies so too). A client that goes away ends the stream, not the work:
 * later events are dropped and the prompt is stored as usual.
 */
export class PromptEventStream {
  #stream: PassThrough | undefined;
  /** `prompt.start`, until the answer's first piece starts the reply. */
  #held: PromptEvent[] = [];

  constructor(private readonly reply: FastifyReply) {}

  get started(): boolean {
    return this.#stream !== undefined;
  }

  send(event: PromptEvent): void {
    if (!this.#stream) {
      if (event.type === "prompt.start") {
        this.#held.push(event);
        return;
      }
      // A failure before the first piece: the route answers it as JSON.
      if (event.type === "prompt.error") return;
      this.#stream = openEventStream(this.reply);
      for (const held of this.#held.splice(0)) this.#write(held);
    }
    this.#write(event);
  }

  #write(event: PromptEvent): void {
    if (this.#stream?.writable)
      this.#stream.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  end(): void {
    this.#stream?.end();
  }
}
