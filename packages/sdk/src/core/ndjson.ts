import { ConnectionError, PromptServiceError } from "../errors.js";

/**
 * The JSON values of an NDJSON body, one per line, read as the bytes arrive: a body of any length takes the memory
 * of one chunk. Leaving the loop early cancels the body, which closes the connection and stops the server's work.
 */
export async function* parseNdjson<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T, void, undefined> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  let lineNumber = 0;
  const parse = (text: string): T => {
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new PromptServiceError(`line ${lineNumber} of the answer is not JSON.`, { cause: error });
    }
  };
  try {
    for (;;) {
      const read = await reader.read().catch((error: unknown) => {
        throw new ConnectionError(`The answer broke off after ${lineNumber} lines.`, { cause: error });
      });
      if (read.done) break;
      pending += read.value;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        lineNumber += 1;
        if (line.trim() !== "") yield parse(line);
      }
    }
    // Every line the server writes ends with a newline: text after the last one is a line cut short.
    if (pending.trim() !== "") {
      throw new ConnectionError(`The answer ended in the middle of line ${lineNumber + 1}.`);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
