#!/usr/bin/env node
import closeWithGrace from "close-with-grace";
import { createServer } from "./app.js";
import { loadConfig } from "./config.js";
import { ConfigError } from "./errors.js";

/** `npm start`: configuration from the environment, listen, and a graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`prompt-service: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const app = await createServer({
    ...config.options,
    logLevel: config.logLevel,
    bodyLimit: config.bodyLimit,
  });

  // On a signal: stop accepting connections, let in-flight requests finish, close pools, exit 0.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "shutting down after an error");
    else app.log.info({ signal }, "shutting down");
    await app.close();
  });

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `prompt-service: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
