import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { UsageError } from "../errors.js";
import { serverEnvironment, settingFlags } from "./serve-settings.js";

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
 * Runs the server in this process, exactly as `npm start` does: same environment variables, same defaults, logs
 * as JSON lines on stdout, and a graceful stop on SIGTERM or Ctrl-C. Returns once it listens.
 */
async function serveRun(
  server: Awaited<ReturnType<typeof importServer>>,
  flags: Command,
  context: CommandContext,
): Promise<void> {
  try {
    await server.runServer(serverEnvironment(context.io.env, flags));
  } catch (error) {
    if (error instanceof server.ConfigError) throw new UsageError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

export function serveCommand(invoke: Invoke): Command {
  return (
    new Command("serve")
      .description(
        "run the Prompt Service server here (as `npm start`); every setting is a flag named after its " +
          "environment variable (--data-dir sets DATA_DIR): `prompt serve --help` lists them",
      )
      .argument("[settings...]")
      // The flags are the server's own table of settings, read once the server package is loaded.
      .helpOption(false)
      .allowUnknownOption()
      .action(async (settings: string[], _options: unknown, self: Command) => {
        const server = await importServer();
        const flags = settingFlags(server.SETTINGS).exitOverride().configureOutput(self.configureOutput());
        flags.parse(settings, { from: "user" });
        await invoke(self, (context) => serveRun(server, flags, context));
      })
  );
}
