import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { resolveStandaloneSetting } from "./config.js";
import { clientErrorHandler } from "./http/client-errors.js";
import type { TrustProxy } from "./http/connections-per-address.js";
import { connectionsPerAddress } from "./http/connections-per-address.js";
import { drainOnClose } from "./http/drain-on-close.js";
import { errorHandler } from "./http/error-handler.js";
import { type ClientTimeouts, slowClientOptions } from "./http/slow-clients.js";
import { loggerOptions } from "./observability/logger.js";
import { RequestLogController, requestId, requestIdHeader } from "./observability/request-logging.js";
import { openAiErrorHandler } from "./openai-compat/errors.js";
import { type PromptServicePluginOptions, promptService } from "./plugin.js";

export interface ServerOptions extends PromptServicePluginOptions, Partial<ClientTimeouts> {
  /** Pino level, or false to log nothing. Defaults to "info". */
  logLevel?: string | false;
  /** Where the JSON log lines go; standard output by default. */
  logStream?: NodeJS.WritableStream;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /** MAX_CONNECTIONS_PER_ADDRESS. */
  maxConnectionsPerAddress?: number;
  /** TRUST_PROXY, resolved: which peers are proxies whose X-Forwarded-For names the client. */
  trustProxy?: TrustProxy;
  /** Extra Fastify server options (a logger stream for tests…). */
  fastify?: FastifyServerOptions;
}

/** A Fastify app with the Prompt Service plugin at the root: what `npm start` and the tests run. */
export async function createServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const {
    logLevel = resolveStandaloneSetting("LOG_LEVEL"),
    logStream,
    bodyLimit = resolveStandaloneSetting("BODY_LIMIT"),
    headersTimeout = resolveStandaloneSetting("HEADERS_TIMEOUT"),
    requestTimeout = resolveStandaloneSetting("REQUEST_TIMEOUT"),
    idleTimeout = resolveStandaloneSetting("IDLE_TIMEOUT"),
    maxConnectionsPerAddress = resolveStandaloneSetting("MAX_CONNECTIONS_PER_ADDRESS"),
    trustProxy,
    fastify = {},
    ...pluginOptions
  } = options;
  const logController = new RequestLogController();
  const app = Fastify({
    logger: logLevel === false ? false : loggerOptions(logLevel, logStream),
    bodyLimit,
    ...slowClientOptions({ headersTimeout, requestTimeout, idleTimeout }),
    ...(trustProxy ? { trustProxy } : {}),
    // The caller's (or the load balancer's) request id when it is one by requestId's rules, so that logs line up end
    // to end; Fastify's own `requestIdHeader` would take any header value as it is.
    requestIdHeader: false,
    genReqId: requestId,
    logController,
    return503OnClosing: true,
    // Errors the router raises before any plugin runs (a malformed or too long path) get the API's error shape too,
    // their request id and their log line: Fastify answers them without hooks or the log controller.
    frameworkErrors: (error, request, reply) => {
      reply.raw.once("finish", () => logController.requestCompleted(null, request, reply));
      reply.header("x-request-id", request.id);
      // Under /v1 in OpenAI's shape, which its clients parse.
      (request.url.startsWith("/v1/") ? openAiErrorHandler : errorHandler)(error, request, reply);
    },
    // What Node's parser refuses before there is a request (timeouts, oversized headers, bytes that are not HTTP).
    clientErrorHandler,
    // The first start on the embedded defaults creates a database and loads the embedding model: seconds, and more
    // on a busy machine, past Fastify's 10 s default for a plugin to start.
    pluginTimeout: 120_000,
    ...fastify,
  });
  await app.register(requestIdHeader);
  await app.register(connectionsPerAddress, { maxPerAddress: maxConnectionsPerAddress, trustProxy });
  await app.register(drainOnClose);
  await app.register(promptService, pluginOptions);
  return app;
}
