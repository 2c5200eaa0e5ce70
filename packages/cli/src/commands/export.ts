import { once } from "node:events";
import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";

/** How often the progress line is redrawn, in lines written. */
const PROGRESS_EVERY = 100;

/**
 * Writes your whole history to stdout as NDJSON, oldest first (`prompt export > mine.ndjson`), as it arrives: any
 * history fits in memory, and a slow disk or pipe slows the download instead of filling memory. A progress line on
 * stderr only when a person watches it there.
 */
export async function exportRun(context: CommandContext): Promise<void> {
  const { io, out, client } = context;
  const progress = io.stderr.isTTY === true;
  const show = (count: number, end = "") => io.stderr.write(`\rexported ${count} prompts${end}`);
  let count = 0;
  for await (const line of client.prompts.export({ signal: io.interrupted() })) {
    if (!io.stdout.write(`${JSON.stringify(line)}\n`)) await once(io.stdout, "drain");
    count += 1;
    if (progress && count % PROGRESS_EVERY === 0) show(count);
  }
  if (progress) show(count, "\n");
  else out.info(`exported ${count} prompts`);
}

export function exportCommand(invoke: Invoke): Command {
  return new Command("export")
    .description(
      "write your whole history to stdout as NDJSON, oldest first: prompt export > mine.ndjson (`prompt import` " +
        "reads it back, here or on another server)",
    )
    .action((_flags: unknown, command: Command) => invoke(command, exportRun));
}
