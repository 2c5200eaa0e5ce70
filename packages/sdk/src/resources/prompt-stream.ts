import { EventSourceParserStream } from "eventsource-parser/stream";
import { AbortError, ConnectionError, PromptFailedError } from "../errors.js";
import type { Prompt, PromptEvent } from "../generated/api.js";
import { parseServerMessage } from "../realtime/events.js";

/**
 * A prompt answered as the model writes it (`client.prompts.stream`): iterate it for its events, `prompt.start`
 * (the prompt and its id), `prompt.delta` pieces, then `prompt.message` with the stored prompt, or await `finalPrompt()` alone. It can be iterated once.
 * Aborting closes the connection: the server, whose client has gone, stops and stores nothing.
 */
export class PromptStream implements AsyncIterable<PromptEvent> {
  readonly #controller: AbortController;
  readonly #opening: Promise<ReadableStream<Uint8Array>>;
  readonly #final: Promise<Prompt>;
  #settle!: { resolve: (prompt: Prompt) => void; reject: (error: unknown) => void };
  #iterated = false;

  /** `open` sends the request under the given signal and resolves with the body once the answer begins. */
  constructor(open: (signal: AbortSignal) => Promise<ReadableStream<Uint8Array>>, signal?: AbortSignal) {
    this.#controller = new AbortController();
    const combined = signal ? AbortSignal.any([signal, this.#controller.signal]) : this.#controller.signal;
    this.#final = new Promise<Prompt>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Awaited through finalPrompt or iteration; a caller who does neither must not see an unhandled rejection.
    this.#final.catch(() => undefined);
    this.#opening = open(combined);
    this.#opening.catch((error: unknown) => this.#settle.reject(error));
  }

  /** The stored prompt, once the model has finished; rejects with PromptFailedError when it ends without one. */
  async finalPrompt(): Promise<Prompt> {
    if (!this.#iterated) for await (const _event of this);
    return this.#final;
  }

  /** Stops reading the answer and closes the connection: the server stops too, and stores nothing. */
  abort(): void {
    this.#controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PromptEvent> {
    if (this.#iterated) throw new TypeError("A PromptStream can be iterated only once.");
    this.#iterated = true;
    try {
      // A reader rather than `for await` over the stream, which not every browser supports yet.
      const reader = (await this.#opening)
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream())
        .getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        // Events that arrived in one chunk with the one the caller aborted at are not handed out.
        this.#controller.signal.throwIfAborted();
        const event = parseServerMessage(read.value.data);
        if (!event) continue;
        yield event;
        if (event.event === "prompt_completed") return this.#settle.resolve(event.data);
        if (event.event === "prompt_failed") {
          const { id, code, detail } = event.data;
          throw new PromptFailedError(id, code, detail);
        }
      }
      throw new ConnectionError("The answer's stream ended before the prompt was stored.");
    } catch (error) {
      const reported = this.#controller.signal.aborted
        ? new AbortError("The prompt's stream was aborted.", { cause: error })
        : error;
      this.#settle.reject(reported);
      throw reported;
    } finally {
      this.abort();
    }
  }
}
