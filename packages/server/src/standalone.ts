#!/usr/bin/env node
import { ConfigError } from "./errors.js";
import { runServer } from "./run.js";

/** `npm start`: configuration from the environment, listen, and a graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  try {
    await runServer(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`prompt-service: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `prompt-service: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
