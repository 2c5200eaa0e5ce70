import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";

export async function whoamiRun(context: CommandContext): Promise<void> {
  const { out, client, server } = context;
  const user = await client.auth.me();
  if (out.json) out.printJson({ server, ...user });
  else if (out.isTTY) out.write(`${out.style.bold(user.username)} <${user.email}> on ${server}\n`);
  else out.write(`${user.username}\n`);
}

export function whoamiCommand(invoke: Invoke): Command {
  return new Command("whoami")
    .description("show who you are logged in as")
    .action((_flags: unknown, command: Command) => invoke(command, whoamiRun));
}
