import { createInterface } from "node:readline";
import { CliError, UsageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { IO } from "../io.js";
import { type PasswordOptions, readPassword } from "./password.js";

/** A value that an option gives, or that is asked for on the terminal when the option is left out. */
interface Answerable {
  value: string | undefined;
  /** The option, as usage shows it: "--username NAME". */
  flag: string;
  question: string;
}

/** "a", "a and b", "a, b and c" */
const listed = (items: string[]) =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

/**
 * Asks for one line, echoed as it is typed: the terminal's own line editing does the rest. Ctrl-D cancels.
 * readline's question() of node:readline/promises would never settle on an early end of input: this one does.
 */
function askLine(io: IO, question: string): Promise<string> {
  const lines = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  return new Promise((resolve, reject) => {
    let answered = false;
    lines.once("line", (line) => {
      answered = true;
      lines.close();
      resolve(line.trim());
    });
    lines.once("close", () => {
      if (!answered) reject(new CliError("cancelled", ExitCode.error));
    });
    io.stderr.write(question);
  });
}

/**
 * The values of `fields` and the password, as `gh auth login` gets them: what the options gave, and the rest asked
 * for on the terminal, the password last and without echo. Without a terminal to ask on, nothing is asked: a usage
 * error names every option that is missing, so that a script fails at once instead of waiting for input.
 */
export async function askForMissing(
  io: IO,
  fields: Answerable[],
  password: PasswordOptions,
): Promise<{ values: string[]; password: string }> {
  if (!io.stdin.isTTY) {
    const missing = fields.filter((field) => field.value === undefined).map((field) => field.flag);
    if (!password.passwordStdin) missing.push("--password-stdin");
    if (missing.length > 0) {
      throw new UsageError(`standard input is not a terminal to ask on: give ${listed(missing)}`);
    }
  }
  const values: string[] = [];
  for (const field of fields) values.push(field.value ?? (await askLine(io, field.question)));
  return { values, password: await readPassword(io, password) };
}
