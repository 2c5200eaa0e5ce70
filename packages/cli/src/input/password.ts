import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { IO } from "../io.js";
import { readAll } from "./read-all.js";
import { readSecret } from "./secret.js";

export interface PasswordOptions {
  /** Read it from standard input (its first line) instead of asking. */
  passwordStdin?: boolean;
  /** Ask twice and compare, for a new password. */
  confirm?: boolean;
}

/**
 * The password: from standard input with --password-stdin, else asked on the terminal without echo (askForMissing
 * has made sure there is one). Never from an option or the environment, where other users could read it in the
 * process list.
 */
export async function readPassword(io: IO, options: PasswordOptions): Promise<string> {
  if (options.passwordStdin) {
    const password = (await readAll(io.stdin)).split(/\r?\n/)[0] ?? "";
    if (password === "") throw new CliError("standard input holds no password", ExitCode.error);
    return password;
  }
  const password = await readSecret(io, "Password: ");
  if (password === "") throw new CliError("the password is empty", ExitCode.error);
  if (options.confirm && (await readSecret(io, "Password again: ")) !== password) {
    throw new CliError("the passwords do not match", ExitCode.error);
  }
  return password;
}
