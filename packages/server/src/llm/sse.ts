import { createParser } from "eventsource-parser";

/** Bounds what a provider can make us buffer with a line or an event that never ends. */
const MAX_BUFFERED_CHARS = 1 << 20;

/** The `data` of each Server-Sent Event in a byte stream, in order. */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const ready: string[] = [];
  const parser = createParser({
    maxBufferSize: MAX_BUFFERED_CHARS,
    onEvent: (event) => ready.push(event.data),
    onError: (error) => {
      // Other parse errors (an unknown field, a bad retry value) are harmless; an overflow ends the stream.
      if (error.type === "max-buffer-size-exceeded") throw error;
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    yield* ready.splice(0);
  }
  parser.feed(decoder.decode());
  yield* ready.splice(0);
}
