import type { EventStream } from "@prompt-service/sdk";
import type { Output } from "../output/output.js";

/**
 * `prompt watch` off a terminal: each event as one line of JSON on stdout, as the server sent it, and nothing
 * else there; the connection's ups and downs go to stderr. Returns when the stream is closed.
 */
export async function printEvents(stream: EventStream, out: Output, title: string): Promise<void> {
  stream.on("open", () => out.info(`watching ${title}`));
  stream.on("reconnecting", ({ code, reason, delayMs }) =>
    out.info(`reconnecting in ${Math.ceil(delayMs / 1000)}s (${`${code} ${reason}`.trim()})`),
  );
  for await (const event of stream) out.write(`${JSON.stringify(event)}\n`);
}
