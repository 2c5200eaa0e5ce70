import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { integerBetween } from "../options.js";

/**
 * Deletes one of your prompts: gone from history and search, and from `prompt watch`. A top-level verb beside
 * submit, search and history, which act on prompts too (as `gh gist delete` names its resource only when there are
 * several kinds).
 */
async function deleteRun(id: number, context: CommandContext): Promise<void> {
  const { out, client } = context;
  await client.prompts.delete(id);
  out.success(`Deleted prompt #${id}`);
}

export function deleteCommand(invoke: Invoke): Command {
  return new Command("delete")
    .description("delete one of your prompts (its ID is in `prompt history`): gone from history and search")
    .argument("<id>", "the prompt's ID", integerBetween(1, Number.MAX_SAFE_INTEGER))
    .action((id: number, _flags: unknown, command: Command) =>
      invoke(command, (context) => deleteRun(id, context)),
    );
}
