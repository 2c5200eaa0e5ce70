import type { CommandContext } from "../context.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";

/**
 * Fails at once, saying what to do, when `what` needs a session (a password login) and there is none: the server
 * lets no API key manage keys or delete the account, so that a leaked key can do neither.
 */
export async function requireSession(context: CommandContext, what: string): Promise<void> {
  const { io, server, credentials } = context;
  if (io.env.PROMPT_TOKEN?.trim() || (await credentials.session(server))) return;
  const keyOnly = io.env.PROMPT_API_KEY?.trim() ? " (an API key, as in PROMPT_API_KEY, cannot)" : "";
  throw new CliError(
    `${what} needs a session on ${server}${keyOnly}: run \`prompt login\``,
    ExitCode.authentication,
  );
}
