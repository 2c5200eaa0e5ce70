import { Command, Option } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { UsageError } from "../errors.js";
import { readAll } from "../input/read-all.js";

interface SubmitOptions {
  /** The prompt, or "-" to read it from standard input. */
  text: string;
  /** False with --no-ws: the answer is not pushed to your event streams (`prompt watch`). */
  ws?: boolean;
  /** Print the answer as the model writes it. */
  stream?: boolean;
}

/** Prints the answer as the model writes it, from the answer's own stream, then a newline. */
async function submitStreamed(text: string, websocket: boolean, context: CommandContext): Promise<void> {
  const { client, out } = context;
  for await (const event of client.prompts.stream({ prompt: text, websocket })) {
    if (event.type === "prompt.delta") out.write(event.data.delta);
  }
  out.write("\n");
}

export async function submitRun(options: SubmitOptions, context: CommandContext): Promise<void> {
  const { io, out, client } = context;
  const text = options.text === "-" ? await readAll(io.stdin) : options.text;
  if (text.trim() === "") throw new UsageError("the prompt is empty");
  if (options.stream) {
    if (out.json)
      throw new UsageError("--stream prints text: leave out --json, or use `prompt watch --json`");
    await submitStreamed(text, options.ws !== false, context);
    return;
  }
  const prompt = await client.prompts.create({ prompt: text, websocket: options.ws !== false });
  if (out.json) out.printJson(prompt);
  else out.write(`${prompt.response}\n`);
}

export function submitCommand(invoke: Invoke): Command {
  return (
    new Command("submit")
      .description("ask the language model; prints the answer")
      .argument("<text>", 'the prompt, or "-" to read it from standard input')
      .option("--no-ws", "keep the answer off your live event streams (prompt watch shows it otherwise)")
      // What scripts wrote when the events were opt-in: still accepted, and the default now.
      .addOption(new Option("--ws").hideHelp())
      .option("--stream", "print the answer as it is written")
      .action((text: string, flags: Omit<SubmitOptions, "text">, command: Command) =>
        invoke(command, (context) => submitRun({ text, ...flags }, context)),
      )
  );
}
