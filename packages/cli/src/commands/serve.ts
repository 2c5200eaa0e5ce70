import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { UsageError } from "../errors.js";
import { addSettingFlags, serverEnvironment } from "./serve-settings.js";

/** The server package: loaded only by `prompt serve`, and an optional peer of the CLI. */
async function importServer() {
  // The server and its database engine are heavy, and no other command needs them.
  return import("@prompt-service/server").catch((error: unknown) => {
    // Another module missing inside it is not this: only the package itself.
    const { code, message } = error as { code?: string; message?: string };
    if (code !== "ERR_MODULE_NOT_FOUND" || !message?.includes("'@prompt-service/server'")) throw error;
    throw new UsageError("`prompt serve` needs the server package: npm install @prompt-service/server");
  });
}

/**
 * Gives `serve` its flags, the server's own table of settings: program.ts calls it once `serve` is the command and
 * before commander parses its arguments, so that they are parsed once, and the server is loaded only for `serve`.
 */
export async function addServeFlags(serve: Command): Promise<void> {
  addSettingFlags(serve, (await importServer()).SETTINGS);
}

/**
 * Runs the server in this process, exactly as `npm start` does: same environment variables, same defaults, logs
 * as JSON lines on stdout, and a graceful stop on SIGTERM or Ctrl-C. Returns once it listens.
 */
async function serveRun(flags: Command, context: CommandContext): Promise<void> {
  const server = await importServer(); // loaded already by addServeFlags
  try {
    await server.runServer(serverEnvironment(context.io.env, flags));
  } catch (error) {
    if (error instanceof server.ConfigError) throw new UsageError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

export function serveCommand(invoke: Invoke): Command {
  return new Command("serve")
    .description(
      "run the Prompt Service server here (as `npm start`); every setting is a flag named after its " +
        "environment variable (--data-dir sets DATA_DIR): `prompt serve --help` lists them",
    )
    .usage("[settings]")
    .helpOption("-h, --help", "list the settings")
    .action((_flags: unknown, self: Command) => invoke(self, (context) => serveRun(self, context)));
}
