import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { UsageError } from "../errors.js";
import { readAll } from "../input/read-all.js";
import { AnswerFollower } from "../submit/answer-follower.js";

export interface SubmitOptions {
  /** The prompt, or "-" to read it from standard input. */
  text: string;
  /** Also push the answer to your event streams (`prompt watch`). */
  ws?: boolean;
  /** Print the answer as the model writes it. */
  stream?: boolean;
}

/** How long to wait for the stream to catch up with an answer the server has already returned. */
const STREAM_SETTLE_MS = 2_000;

/** Asks with the answer streamed: listen first (the server streams only to sockets already open), then ask. */
async function submitStreamed(text: string, context: CommandContext): Promise<void> {
  const { client, out } = context;
  // Only for this one answer: a server that cannot be reached is an error now, not a reason to keep trying.
  const stream = client.events({ reconnect: { maxAttempts: 2 } });
  try {
    await stream.ready();
    const follower = new AnswerFollower(stream, (piece) => out.write(piece));
    try {
      const prompt = await client.prompts.create({ prompt: text, websocket: true });
      await follower.finish(prompt.id, prompt.response, STREAM_SETTLE_MS);
    } catch (error) {
      follower.abandon();
      throw error;
    }
  } finally {
    await stream.close();
  }
}

export async function submitRun(options: SubmitOptions, context: CommandContext): Promise<void> {
  const { io, out, client } = context;
  const text = options.text === "-" ? await readAll(io.stdin) : options.text;
  if (text.trim() === "") throw new UsageError("the prompt is empty");
  if (options.stream) {
    if (out.json)
      throw new UsageError("--stream prints text: leave out --json, or use `prompt watch --json`");
    await submitStreamed(text, context);
    return;
  }
  const prompt = await client.prompts.create({ prompt: text, websocket: options.ws === true });
  if (out.json) out.printJson(prompt);
  else out.write(`${prompt.response}\n`);
}

export function submitCommand(invoke: Invoke): Command {
  return new Command("submit")
    .description("ask the language model; prints the answer")
    .argument("<text>", 'the prompt, or "-" to read it from standard input')
    .option("--ws", "also send the answer to your live event streams (prompt watch)")
    .option("--stream", "print the answer as it is written (implies --ws)")
    .action((text: string, flags: Omit<SubmitOptions, "text">, command: Command) =>
      invoke(command, (context) => submitRun({ text, ...flags }, context)),
    );
}
