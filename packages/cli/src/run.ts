import { CommanderError } from "commander";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import type { IO } from "./io.js";
import { createProgram } from "./program.js";

/** Commander's ways of ending that are not failures: --help and --version. */
const DONE = new Set(["commander.helpDisplayed", "commander.version"]);

/** Writes a failure as one line on stderr (and, with --debug, the stack of what caused it). */
function report(error: unknown, io: IO, debug: boolean): ExitCode {
  if (error instanceof CommanderError) {
    // Commander has already printed its message.
    return DONE.has(error.code) ? ExitCode.ok : ExitCode.usage;
  }
  const failure =
    error instanceof CliError ? error : new CliError(String(error), ExitCode.error, { cause: error });
  io.stderr.write(`prompt: ${failure.message}\n`);
  if (debug) {
    const cause = failure.cause instanceof Error ? failure.cause : failure;
    io.stderr.write(`${cause.stack ?? cause.message}\n`);
  }
  return failure.exitCode;
}

/**
 * Runs `prompt` with `argv` (the arguments after the program's name) and resolves with the exit status; it never
 * exits the process itself. `prompt serve` resolves once the server listens, and the server keeps running.
 */
export async function run(argv: string[], io: IO): Promise<ExitCode> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    return report(error, io, program.opts<{ debug?: boolean }>().debug === true);
  }
}
