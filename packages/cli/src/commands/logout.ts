import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";

/** Revokes the stored session on the server and forgets it. */
export async function logoutRun(context: CommandContext): Promise<void> {
  const { io, out, client, server, credentials } = context;
  // The client would use the token from the environment and leave the stored session alive on the server.
  if (io.env.PROMPT_TOKEN?.trim()) {
    throw new CliError(
      "PROMPT_TOKEN is set and used instead of the stored session: unset it to log out",
      ExitCode.error,
    );
  }
  if (!(await credentials.session(server))) {
    throw new CliError(`not logged in to ${server}`, ExitCode.authentication);
  }
  await client.auth.logout();
  out.success(`Logged out of ${server}`);
}

export function logoutCommand(invoke: Invoke): Command {
  return new Command("logout")
    .description("end the session on the server and forget it here")
    .action((_flags: unknown, command: Command) => invoke(command, logoutRun));
}
