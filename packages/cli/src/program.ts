import { Command } from "commander";
import { accountCommand } from "./commands/account.js";
import { deleteCommand } from "./commands/delete.js";
import { exportCommand } from "./commands/export.js";
import { historyCommand } from "./commands/history.js";
import { importCommand } from "./commands/import.js";
import { keysCommand } from "./commands/keys/index.js";
import { loginCommand } from "./commands/login.js";
import { logoutCommand } from "./commands/logout.js";
import { registerCommand } from "./commands/register.js";
import { searchCommand } from "./commands/search.js";
import { addServeFlags, serveCommand } from "./commands/serve.js";
import { submitCommand } from "./commands/submit.js";
import { usageCommand } from "./commands/usage.js";
import { watchCommand } from "./commands/watch.js";
import { whoamiCommand } from "./commands/whoami.js";
import { DEFAULT_SERVER } from "./config/server-url.js";
import { createContext, type GlobalOptions, type Invoke } from "./context.js";
import { explain } from "./errors.js";
import type { IO } from "./io.js";
import { VERSION } from "./version.js";

/** Subcommands, at any depth, inherit the exit override and the output settings only when copied onto them. */
function withProgramSettings(command: Command, program: Command): Command {
  command.exitOverride().configureOutput(program.configureOutput());
  for (const subcommand of command.commands) withProgramSettings(subcommand, program);
  return command;
}

/**
 * The `prompt` command line: global options, then one subcommand. Commander writes through `io` and throws
 * instead of exiting, so that `run` decides the exit status.
 */
export function createProgram(io: IO): Command {
  const program = new Command("prompt")
    .description("Ask a language model, find your earlier prompts by meaning, and watch answers arrive live.")
    .version(VERSION, "-V, --version")
    .option(
      "--server <url>",
      `the server (default: $PROMPT_SERVER, the last one logged in to, ${DEFAULT_SERVER})`,
    )
    .option("--json", "print data as JSON (one object per line for watch)")
    .option("--quiet", "print no messages, only data")
    .option("--no-color", "no colours (also: NO_COLOR=1)")
    .option("--debug", "show the stack of an error")
    .showHelpAfterError("(run with --help for usage)")
    .hook("preSubcommand", async (_program, command) => {
      if (command.name() === "serve") await addServeFlags(command);
    })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const invoke: Invoke = async (command, body) => {
    const context = createContext(io, command.optsWithGlobals<GlobalOptions>());
    try {
      await body(context);
    } catch (error) {
      throw explain(error, context);
    }
  };
  for (const define of [
    registerCommand,
    loginCommand,
    logoutCommand,
    whoamiCommand,
    submitCommand,
    searchCommand,
    historyCommand,
    deleteCommand,
    watchCommand,
    usageCommand,
    exportCommand,
    importCommand,
    keysCommand,
    accountCommand,
    serveCommand,
  ]) {
    program.addCommand(withProgramSettings(define(invoke), program));
  }
  return program;
}
