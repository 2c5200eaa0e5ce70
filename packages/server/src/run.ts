import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { createServer, type ServerOptions } from "./app.js";
import { loadConfig } from "./config.js";
import { fixMallocThresholds } from "./malloc-thresholds.js";

/**
 * The standalone server, as `npm start` and `prompt serve` run it: configuration from `env` (a bad value throws
 * a ConfigError naming the variable), listening, and a graceful stop on SIGTERM/SIGINT that ends the process.
 * `overrides` win over what the environment says.
 */
export async function runServer(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ServerOptions = {},
): Promise<FastifyInstance> {
  const { options, port, host, ...standalone } = loadConfig(env);
  // Before the database and the model allocate: the process is the standalone server's own. glibc reads its
  // thresholds from the process's environment, not from `env`.
  const mallocThresholds = fixMallocThresholds();
  const app = await createServer({ ...options, ...standalone, ...overrides });
  app.log.debug({ mallocThresholds }, "malloc thresholds");

  // On a signal: stop accepting connections, let in-flight requests finish, close pools, exit 0.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "shutting down after an error");
    else app.log.info({ signal }, "shutting down");
    await app.close();
  });

  await app.listen({ port, host });
  return app;
}
