import { Command } from "commander";
import { requireSession } from "../../config/require-session.js";
import type { CommandContext, Invoke } from "../../context.js";

interface KeysCreateOptions {
  name: string;
  /** A duration such as 30d or 12h; without it the key does not expire. */
  expires?: string;
}

/** Creates an API key and prints it: the only time anybody sees it, since the server keeps only its hash. */
export async function keysCreateRun(options: KeysCreateOptions, context: CommandContext): Promise<void> {
  const { out, sessionClient, server } = context;
  await requireSession(context, "creating an API key");
  const created = await sessionClient.keys.create({
    name: options.name,
    ...(options.expires === undefined ? {} : { expiresIn: options.expires }),
  });
  if (out.json) {
    out.printJson(created);
    return;
  }
  // Off a terminal (`KEY=$(prompt keys create …)`) the key alone, so that it can be captured.
  out.write(`${created.key}\n`);
  if (out.isTTY) {
    const expiry = created.expires_at ? `expires ${created.expires_at}` : "does not expire";
    out.success(`Created API key #${created.id} "${created.name}" for ${server} (${expiry})`);
    out.info("Copy it now: it will not be shown again. Use it as PROMPT_API_KEY or `apiKey` in the SDK.");
  }
}

export function keysCreateCommand(invoke: Invoke): Command {
  return new Command("create")
    .description("create an API key and print it (shown only this once)")
    .requiredOption("--name <name>", "what the key is for, to tell keys apart")
    .option("--expires <duration>", "how long it works, such as 30d or 12h (default: no expiry)")
    .action((flags: KeysCreateOptions, command: Command) =>
      invoke(command, (context) => keysCreateRun(flags, context)),
    );
}
