import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { readPassword } from "../input/password.js";

export interface LoginOptions {
  username: string;
  passwordStdin?: boolean;
}

/** Logs in and keeps the session; the server becomes the default of later commands. */
export async function loginRun(options: LoginOptions, context: CommandContext): Promise<void> {
  const { io, out, client, server, credentials } = context;
  const password = await readPassword(io, { passwordStdin: options.passwordStdin });
  await client.auth.login({ username: options.username, password });
  await credentials.setDefaultServer(server);
  out.success(`Logged in to ${server} as ${options.username}`);
}

export function loginCommand(invoke: Invoke): Command {
  return new Command("login")
    .description("log in; later commands go to this server until you log in to another")
    .requiredOption("--username <name>", "your username")
    .option("--password-stdin", "read the password from standard input")
    .action((flags: LoginOptions, command: Command) =>
      invoke(command, (context) => loginRun(flags, context)),
    );
}
