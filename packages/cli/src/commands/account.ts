import { Command } from "commander";
import { requireSession } from "../config/require-session.js";
import type { CommandContext, Invoke } from "../context.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { askForMissing } from "../input/ask.js";

interface AccountDeleteOptions {
  passwordStdin?: boolean;
  /** Skips the typed confirmation (required without a terminal). */
  yes?: boolean;
}

/**
 * Deletes the account and everything it owns, after the confirmation `gh repo delete` asks for (typing the name) and
 * the password. Without a terminal, `--yes` and `--password-stdin` stand for both.
 */
export async function accountDeleteRun(
  options: AccountDeleteOptions,
  context: CommandContext,
): Promise<void> {
  const { io, out, sessionClient, server } = context;
  await requireSession(context, "deleting the account");
  const { username } = await sessionClient.auth.me();
  const {
    values: [typed = ""],
    password,
  } = await askForMissing(
    io,
    [
      {
        value: options.yes ? username : undefined,
        flag: "--yes",
        question: `This deletes ${username} on ${server} with every prompt, key and session. Type ${username} to confirm: `,
      },
    ],
    { passwordStdin: options.passwordStdin },
  );
  if (typed !== username) throw new CliError("cancelled: the name did not match", ExitCode.error);
  await sessionClient.auth.deleteAccount({ password });
  out.success(`Deleted the account ${username} on ${server}, with everything it owned`);
}

export function accountCommand(invoke: Invoke): Command {
  const account = new Command("account").description("your account");
  account.addCommand(
    new Command("delete")
      .description(
        "delete your account and everything it owns (prompts, keys, sessions); asks you to type your username, " +
          "then the password",
      )
      .option("--password-stdin", "read the password from standard input")
      .option("--yes", "do not ask to confirm (needed without a terminal)")
      .action((flags: AccountDeleteOptions, command: Command) =>
        invoke(command, (context) => accountDeleteRun(flags, context)),
      ),
  );
  return account;
}
