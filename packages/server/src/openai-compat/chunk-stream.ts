import type { PassThrough } from "node:stream";
import type { FastifyReply } from "fastify";
import { openEventStream } from "../http/event-stream.js";
import type { AnsweredPrompt } from "../prompts/answer-prompt.js";
import type { PromptEvent } from "../prompts/events.js";
import { type CompletionIdentity, chunkOf, completionId, usageChunkOf } from "./completion-objects.js";
import type { OpenAiError } from "./errors.js";

/**
 * A streamed chat completion on the request's reply: `data: <chat.completion.chunk>` lines, as OpenAI's clients
 * read them, then `data: [DONE]`.
 *
 * The reply starts at the prompt's first event (`prompt.start`, which gives the id the prompt will be stored
 * under), so that anything refused before it (the budget, a model that fails at once) still answers with its status
 * and OpenAI's JSON error. A client that goes away ends the stream and the work: nothing is stored.
 */
export class ChunkStream {
  #stream: PassThrough | undefined;
  #identity: CompletionIdentity | undefined;

  constructor(
    private readonly reply: FastifyReply,
    private readonly completion: { created: number; model: string; includeUsage: boolean },
  ) {}

  get started(): boolean {
    return this.#stream !== undefined;
  }

  /** The prompt's events as chunks: its start opens the stream with the assistant's role, its pieces follow. */
  send(event: PromptEvent): void {
    if (event.type === "prompt.start") {
      this.#identity = {
        id: completionId(event.data.id),
        created: this.completion.created,
        model: this.completion.model,
      };
      this.#stream = openEventStream(this.reply);
      this.#chunk({ role: "assistant", content: "" }, null);
    } else if (event.type === "prompt.delta") {
      this.#chunk({ content: event.data.delta }, null);
    }
  }

  /** The last chunks of a stored answer: its finish reason, the usage when asked for, and [DONE]. */
  finish(answered: AnsweredPrompt): void {
    this.#chunk({}, answered.finishReason);
    if (this.completion.includeUsage && this.#identity) this.#write(usageChunkOf(this.#identity, answered));
    this.#end("[DONE]");
  }

  /** A failure after the stream started: OpenAI's error object as the last event (its clients raise it), no [DONE]. */
  fail(error: OpenAiError): void {
    this.#write(error.toBody());
    this.#end();
  }

  /** The client has gone: the stream ends, with nothing more to say. */
  abandon(): void {
    this.#end();
  }

  #chunk(
    delta: { role?: "assistant"; content?: string },
    finishReason: AnsweredPrompt["finishReason"] | null,
  ) {
    if (this.#identity)
      this.#write(chunkOf(this.#identity, delta, finishReason, this.completion.includeUsage));
  }

  #write(data: object): void {
    if (this.#stream?.writable) this.#stream.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  #end(last?: string): void {
    if (!this.#stream?.writable) return;
    this.#stream.end(last === undefined ? undefined : `data: ${last}\n\n`);
  }
}
