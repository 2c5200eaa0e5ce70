import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { readPassword } from "../input/password.js";

export interface RegisterOptions {
  username: string;
  email: string;
  passwordStdin?: boolean;
}

export async function registerRun(options: RegisterOptions, context: CommandContext): Promise<void> {
  const { io, out, client, server } = context;
  const password = await readPassword(io, { passwordStdin: options.passwordStdin, confirm: true });
  const user = await client.auth.register({ username: options.username, email: options.email, password });
  if (out.json) out.printJson(user);
  out.success(
    `Registered ${user.username} on ${server}; log in with: prompt login --username ${user.username}`,
  );
}

export function registerCommand(invoke: Invoke): Command {
  return new Command("register")
    .description("create an account (the password is asked without echo, or read with --password-stdin)")
    .requiredOption("--username <name>", "3 to 150 characters")
    .requiredOption("--email <address>", "your email address")
    .option("--password-stdin", "read the password from standard input")
    .action((flags: RegisterOptions, command: Command) =>
      invoke(command, (context) => registerRun(flags, context)),
    );
}
