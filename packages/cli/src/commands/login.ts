import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { askForMissing } from "../input/ask.js";

interface LoginOptions {
  /** Asked on the terminal when left out. */
  username?: string;
  passwordStdin?: boolean;
}

/** Logs in and keeps the session; the server becomes the default of later commands. */
export async function loginRun(options: LoginOptions, context: CommandContext): Promise<void> {
  const { io, out, client, server, credentials } = context;
  const {
    values: [username = ""],
    password,
  } = await askForMissing(
    io,
    [{ value: options.username, flag: "--username NAME", question: "Username: " }],
    {
      passwordStdin: options.passwordStdin,
    },
  );
  await client.auth.login({ username, password });
  await credentials.setDefaultServer(server);
  out.success(`Logged in to ${server} as ${username}`);
}

export function loginCommand(invoke: Invoke): Command {
  return new Command("login")
    .description(
      "log in (what the options leave out is asked on the terminal); later commands go to this server until " +
        "you log in to another",
    )
    .option("--username <name>", "your username")
    .option("--password-stdin", "read the password from standard input")
    .action((flags: LoginOptions, command: Command) =>
      invoke(command, (context) => loginRun(flags, context)),
    );
}
