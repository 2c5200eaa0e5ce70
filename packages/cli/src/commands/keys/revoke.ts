import { Command } from "commander";
import { requireSession } from "../../config/require-session.js";
import type { CommandContext, Invoke } from "../../context.js";
import { integerBetween } from "../../options.js";

/** Revokes an API key: the server refuses it from then on. */
async function keysRevokeRun(id: number, context: CommandContext): Promise<void> {
  const { out, sessionClient, server } = context;
  await requireSession(context, "revoking an API key");
  await sessionClient.keys.revoke(id);
  out.success(`Revoked API key #${id} on ${server}`);
}

export function keysRevokeCommand(invoke: Invoke): Command {
  return new Command("revoke")
    .description("revoke an API key (its ID is in `prompt keys list`)")
    .argument("<id>", "the key's ID", integerBetween(1, Number.MAX_SAFE_INTEGER))
    .action((id: number, _flags: unknown, command: Command) =>
      invoke(command, (context) => keysRevokeRun(id, context)),
    );
}
