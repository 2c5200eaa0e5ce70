import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { resolveStandaloneSetting } from "./config.js";
import { drainOnClose } from "./http/drain-on-close.js";
import { errorHandler } from "./http/error-handler.js";
import { loggerOptions } from "./observability/logger.js";
import { RequestLogController, requestIdHeader } from "./observability/request-logging.js";
import { type PromptServicePluginOptions, promptService } from "./plugin.js";

export interface ServerOptions extends PromptServicePluginOptions {
  /** Pino level, or false to log nothing. Defaults to "info". */
  logLevel?: string | false;
  /** Where the JSON log lines go; standard output by default. */
  logStream?: NodeJS.WritableStream;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /** Extra Fastify server options (trustProxy, a logger stream for tests…). */
  fastify?: FastifyServerOptions;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A Fastify app with the Prompt Service plugin at the root: what `npm start` and the tests run. */
export async function createServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const {
    logLevel = resolveStandaloneSetting("LOG_LEVEL"),
    logStream,
    bodyLimit = resolveStandaloneSetting("BODY_LIMIT"),
    fastify = {},
    ...pluginOptions
  } = options;
  const logController = new RequestLogController();
  const app = Fastify({
    logger: logLevel === false ? false : loggerOptions(logLevel, logStream),
    bodyLimit,
    // Accept the caller's (or the load balancer's) request id when it looks like one, so logs line up end to end.
    requestIdHeader: "x-request-id",
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController,
    return503OnClosing: true,
    // Errors the router raises before any plugin runs (a malformed or too long path) get the API's error shape too,
    // their request id and their log line: Fastify answers them without hooks or the log controller.
    frameworkErrors: (error, request, reply) => {
      reply.raw.once("finish", () => logController.requestCompleted(null, request, reply));
      reply.header("x-request-id", request.id);
      errorHandler(error, request, reply);
    },
    // The first start on the embedded defaults creates a database and loads the embedding model: seconds, and more
    // on a busy machine, past Fastify's 10 s default for a plugin to start.
    pluginTimeout: 120_000,
    ...fastify,
  });
  await app.register(requestIdHeader);
  await app.register(drainOnClose);
  await app.register(promptService, pluginOptions);
  return app;
}
