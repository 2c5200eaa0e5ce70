import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { askForMissing } from "../input/ask.js";

interface RegisterOptions {
  /** Asked on the terminal when left out. */
  username?: string;
  /** Asked on the terminal when left out. */
  email?: string;
  passwordStdin?: boolean;
}

export async function registerRun(options: RegisterOptions, context: CommandContext): Promise<void> {
  const { io, out, client, server } = context;
  const {
    values: [username = "", email = ""],
    password,
  } = await askForMissing(
    io,
    [
      { value: options.username, flag: "--username NAME", question: "Username: " },
      { value: options.email, flag: "--email ADDRESS", question: "Email: " },
    ],
    { passwordStdin: options.passwordStdin, confirm: true },
  );
  const user = await client.auth.register({ username, email, password });
  if (out.json) out.printJson(user);
  out.success(
    `Registered ${user.username} on ${server}; log in with: prompt login --username ${user.username}`,
  );
}

export function registerCommand(invoke: Invoke): Command {
  return new Command("register")
    .description(
      "create an account; what the options leave out is asked on the terminal (the password without echo)",
    )
    .option("--username <name>", "3 to 150 characters")
    .option("--email <address>", "your email address")
    .option("--password-stdin", "read the password from standard input")
    .action((flags: RegisterOptions, command: Command) =>
      invoke(command, (context) => registerRun(flags, context)),
    );
}
