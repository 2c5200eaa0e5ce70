import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";

/** The lines of `file` (or standard input for "-"), read as they are needed; a file that cannot be opened fails at once. */
async function linesOf(file: string, context: CommandContext): Promise<AsyncIterable<string>> {
  let input: NodeJS.ReadableStream = context.io.stdin;
  if (file !== "-") {
    const stream = createReadStream(file);
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new CliError(`cannot read ${file}: ${error.code ?? error.message}`, ExitCode.error, {
            cause: error,
          }),
        ),
      );
    });
    input = stream;
  }
  // Every line, blank ones included, so that the server's line numbers are the file's.
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

/**
 * Stores the prompts of an export (`prompt export`'s NDJSON) in your account, without asking the model again, in
 * requests under the server's body limit. Prompts you already have are skipped, so running it twice is harmless.
 */
async function importRun(file: string, context: CommandContext): Promise<void> {
  const { out, client, server } = context;
  const result = await client.prompts.import(await linesOf(file, context));
  if (out.json) out.printJson(result);
  else
    out.success(
      `Imported ${result.imported} prompts to ${server}; skipped ${result.skipped} you already had`,
    );
}

export function importCommand(invoke: Invoke): Command {
  return new Command("import")
    .description(
      "store the prompts of an export (NDJSON) in your account, without asking the model again; prompts you " +
        "already have are skipped",
    )
    .argument("<file>", 'the export, or "-" to read standard input')
    .action((file: string, _flags: unknown, command: Command) =>
      invoke(command, (context) => importRun(file, context)),
    );
}
