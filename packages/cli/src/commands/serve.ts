import { Command } from "commander";
import type { CommandContext, Invoke } from "../context.js";
import { UsageError } from "../errors.js";
import { flagOf, SERVE_SETTINGS, serverEnvironment } from "./serve-settings.js";

/**
 * Runs the server in this process, exactly as `npm start` does: same environment variables, same defaults, logs
 * as JSON lines on stdout, and a graceful stop on SIGTERM or Ctrl-C. Returns once it listens.
 */
export async function serveRun(
  flags: Record<string, string | undefined>,
  context: CommandContext,
): Promise<void> {
  // Loaded only here, and an optional peer of the CLI: the server and its database engine are heavy, and no other
  // command needs them.
  const { runServer, ConfigError } = await import("@prompt-service/server").catch((error: unknown) => {
    // Another module missing inside it is not this: only the package itself.
    const { code, message } = error as { code?: string; message?: string };
    if (code !== "ERR_MODULE_NOT_FOUND" || !message?.includes("'@prompt-service/server'")) throw error;
    throw new UsageError("`prompt serve` needs the server package: npm install @prompt-service/server");
  });
  try {
    await runServer(serverEnvironment(context.io.env, flags));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

export function serveCommand(invoke: Invoke): Command {
  const command = new Command("serve").description(
    "run the Prompt Service server here (as `npm start`); each flag sets the environment variable of its name",
  );
  for (const { env, value, description } of SERVE_SETTINGS) {
    command.option(`--${flagOf(env)} <${value}>`, `${description} [${env}]`);
  }
  return command.action((flags: Record<string, string | undefined>, self: Command) =>
    invoke(self, (context) => serveRun(flags, context)),
  );
}
