import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { AccountDeletions } from "./auth/account-deletions.js";
import { ApiKeyAuth } from "./auth/api-keys/api-key-auth.js";
import { apiKeyRoutes } from "./auth/api-keys/routes.js";
import { authenticate, Credentials } from "./auth/authenticate.js";
import { deleteAccountRoute } from "./auth/delete-account-route.js";
import { loadOrCreateDevSecret } from "./auth/dev-secret.js";
import { authRoutes } from "./auth/routes.js";
import { SessionRevocations } from "./auth/session-revocations.js";
import { TokenService } from "./auth/tokens.js";
import { type PromptServiceOptions, resolveOptions } from "./config.js";
import { errorHandler, notFoundHandler } from "./http/error-handler.js";
import { validatorCompiler } from "./http/validation.js";
import { createLlm } from "./llm/index.js";
import { instrumentLlm } from "./llm/instrumented.js";
import type { LlmProvider } from "./llm/port.js";
import { startHousekeeping } from "./maintenance/housekeeping.js";
import { PromptRetention } from "./maintenance/prompt-retention.js";
import { Metrics, observability } from "./observability/index.js";
import { openaiCompatRoutes } from "./openai-compat/index.js";
import { exportRoutes } from "./prompts/export-routes.js";
import { IdempotentRequests } from "./prompts/idempotency.js";
import { AnswerReuse } from "./prompts/reuse/answer-reuse.js";
import { promptRoutes } from "./prompts/routes.js";
import { similarityRoutes } from "./prompts/similar-routes.js";
import { createServiceLimiters } from "./ratelimit/service-limiters.js";
import { rateLimitPluginOptions } from "./ratelimit/throttle.js";
import { createHub, type EventHub } from "./realtime/hub/index.js";
import { socketRoutes } from "./realtime/socket-route.js";
import type { ServiceContext } from "./service-context.js";
import {
  createEmbedder,
  type Embedder,
  EventLoopLoad,
  WorkerPoolEmbedder,
} from "./similarity/embeddings/index.js";
import { SimilarityService } from "./similarity/similarity-service.js";
import { createVectorIndex } from "./similarity/vector-index/index.js";
import { openStorage, type Storage } from "./storage/index.js";
import { usageRoutes } from "./usage/routes.js";
import { TokenBudget } from "./usage/token-budget.js";

export interface PromptServicePluginOptions extends PromptServiceOptions {
  /** An already open storage (tests, embedding apps); otherwise one is opened from the options and closed with the app. */
  storage?: Storage;
  /** A language model provider; otherwise the OpenAI-compatible one when a key is set, else the mock. */
  llm?: LlmProvider;
  /** An event hub; otherwise Redis when `redisUrl` is set, else in-process. */
  hub?: EventHub;
  /**
   * A loaded embedding model (createEmbedder), which its owner closes: several servers of one process (tests, an app
   * mounting the plugin twice) can share one instead of loading one each. Otherwise the one `embeddings` names is
   * loaded and closed with the app.
   */
  embedder?: Embedder;
}

/** The headers the official OpenAI SDKs add to every request, which a browser must be allowed to send. */
const OPENAI_CLIENT_HEADERS = [
  "x-stainless-arch",
  "x-stainless-helper-method",
  "x-stainless-lang",
  "x-stainless-os",
  "x-stainless-package-version",
  "x-stainless-retry-count",
  "x-stainless-runtime",
  "x-stainless-runtime-version",
  "x-stainless-timeout",
  "openai-organization",
  "openai-project",
];

/** Calls at once to an OpenAI-compatible embeddings API: enough to hide its latency, few enough to stay polite. */
const REMOTE_EMBEDDING_CONCURRENCY = 4;

/**
 * The event loop's busiest share of time under which a backlog may take the threads a pool adds: at the gateway
 * bench's 500 calls a second it is about half busy, and the backlog then waits; once the calls stop it is nearly idle.
 */
const BURST_MAX_LOOP_UTILIZATION = 0.3;

/**
 * The whole Prompt Service API as a Fastify plugin. Encapsulated on purpose: its error handler, validator and
 * content-type rules apply to its routes only, so it can be registered under a prefix inside any Fastify app.
 */
export const promptService: FastifyPluginAsyncTypebox<PromptServicePluginOptions> = async (app, options) => {
  const config = resolveOptions(options);
  if (config.corsOrigins.length > 0) {
    // Bearer tokens, no cookies: credentials stay off. The throttle's and tracing headers are readable by pages.
    await app.register(cors, {
      origin: config.corsOrigins.includes("*") ? "*" : config.corsOrigins,
      methods: ["GET", "POST", "DELETE"],
      // OpenAI's browser clients send headers of their own (x-stainless-*), and ours send Idempotency-Key.
      allowedHeaders: [
        "authorization",
        "content-type",
        "idempotency-key",
        "x-request-id",
        ...OPENAI_CLIENT_HEADERS,
      ],
      exposedHeaders: [
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-policy",
        "retry-after",
        "x-request-id",
        "idempotent-replayed",
      ],
      maxAge: 600,
    });
  }

  // The model loads in its worker threads while the database opens.
  const modelLoading =
    options.embedder !== undefined
      ? Promise.resolve(options.embedder)
      : createEmbedder(config.embeddings, {
          openai: config,
          cacheDir: `${config.dataDir}/models`,
          threads: config.embeddingThreads,
          maxThreads: config.embeddingMaxThreads,
          idleTimeoutMs: config.embeddingIdleTimeout,
        });
  // Closed last (onClose hooks run in reverse), whatever fails after this point; awaited below.
  if (options.embedder === undefined) {
    app.addHook("onClose", async () => (await modelLoading.catch(() => undefined))?.close());
  }
  modelLoading.catch(() => undefined);

  const storage =
    options.storage ??
    (await openStorage({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onIdleError: (error) => app.log.warn({ err: error }, "idle database connection failed"),
    }));
  if (!options.storage) app.addHook("onClose", () => storage.close());
  app.log.info({ storage: storage.kind }, "storage ready");

  const llm = options.llm ?? createLlm(config);
  if (!options.llm) app.addHook("onClose", () => llm.close());
  app.log.info({ provider: llm.provider, model: llm.model }, "language model ready");

  const hub =
    options.hub ??
    (await createHub({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      onStatus: ({ connection, status, error }) =>
        app.log[status === "ready" || status === "closed" ? "info" : "warn"](
          { connection, status, err: error },
          "event hub connection changed",
        ),
      onDeliveryError: (error, group) => app.log.warn({ err: error, group }, "event delivery failed"),
    }));
  if (!options.hub) app.addHook("onClose", () => hub.close());
  app.log.info({ hub: hub.kind }, "event hub ready");

  let secret = config.jwtSecret;
  if (!secret) {
    const dev = await loadOrCreateDevSecret(config.dataDir);
    if (dev.created)
      app.log.warn(
        { dataDir: config.dataDir },
        "generated a development JWT secret; set JWT_SECRET in production",
      );
    secret = dev.secret;
  }
  const tokens = new TokenService(secret, {
    access: config.accessTokenTtl / 1000,
    refresh: config.refreshTokenTtl / 1000,
  });

  const revocations = new SessionRevocations({
    storage,
    log: app.log,
    accessTokenTtlMs: config.accessTokenTtl,
  });
  await revocations.start();
  app.addHook("onClose", async () => revocations.close());
  const apiKeys = new ApiKeyAuth({ storage, revocations, log: app.log });
  await apiKeys.start();
  app.addHook("onClose", async () => apiKeys.close());
  const deletions = new AccountDeletions({ storage, log: app.log, accessTokenTtlMs: config.accessTokenTtl });
  await deletions.start();
  app.addHook("onClose", async () => deletions.close());
  deletions.onDeleted((userId) => apiKeys.forgetUser(userId));
  const credentials = new Credentials(tokens, revocations, apiKeys, deletions);

  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // Only JSON bodies: anything else is a 415, not a string that fails validation later.
  app.removeContentTypeParser(["text/plain"]);

  const metrics = new Metrics();
  await app.register(observability, {
    metrics,
    metricsToken: config.metricsToken,
    promptMaxLength: config.promptMaxLength,
    readinessChecks: [
      { name: "database", check: () => storage.ping() },
      ...(hub.kind === "redis" ? [{ name: "redis", check: () => hub.ping() }] : []),
    ],
  });

  const model = await modelLoading;
  app.log.info(
    {
      model: model.id,
      threads: model instanceof WorkerPoolEmbedder ? model.threads : 0,
      maxThreads: model instanceof WorkerPoolEmbedder ? model.maxThreads : 0,
    },
    "embedding model ready",
  );
  const eventLoop = new EventLoopLoad();
  const similarity = await SimilarityService.open({
    storage,
    log: app.log,
    metrics,
    model,
    // A remote model takes a few calls at once; a local one, one per worker thread.
    concurrency: model instanceof WorkerPoolEmbedder ? model.threads : REMOTE_EMBEDDING_CONCURRENCY,
    // And one per thread the pool may add while a backlog waits, as long as the requests leave it a core: the threads
    // it keeps leave one to the thread that serves requests, which the added ones would take.
    ...(model instanceof WorkerPoolEmbedder && model.maxThreads > model.threads
      ? {
          burst: {
            concurrency: model.maxThreads,
            allowed: () => eventLoop.utilization() < BURST_MAX_LOOP_UTILIZATION,
          },
        }
      : {}),
    queueLimit: config.embeddingQueueLimit,
    vectors: createVectorIndex(config.vectorIndex, model.dimensions),
    indexMemoryBudget: config.indexMemoryBudget,
  });
  app.addHook("onClose", () => similarity.close());
  const idempotency = new IdempotentRequests(storage, app.log);
  app.addHook("onClose", async () => idempotency.close());
  deletions.onDeleted((userId) => similarity.forgetUser(userId));
  if (config.promptRetention !== undefined) {
    const retention = new PromptRetention({
      storage,
      similarity,
      metrics,
      log: app.log,
      retentionMs: config.promptRetention,
    });
    retention.start();
    app.addHook("onClose", () => retention.close());
  }
  const stopHousekeeping = startHousekeeping(storage, app.log);
  app.addHook("onClose", async () => stopHousekeeping());

  const limiters = createServiceLimiters(config, (error) => {
    metrics.rateLimitStoreErrors.inc();
    app.log.warn({ err: error }, "rate limit store failed; applying the configured fail mode");
  });
  app.addHook("onClose", () => limiters.close());
  await app.register(
    rateLimit,
    rateLimitPluginOptions((request) =>
      metrics.throttledRequests.inc({ route: request.routeOptions.url ?? "unmatched" }),
    ),
  );

  const context: ServiceContext = {
    reuse:
      config.answerReuseMinScore === undefined
        ? undefined
        : new AnswerReuse(similarity, config.answerReuseMinScore, app.log),
    idempotency,
    config,
    storage,
    llm: instrumentLlm(llm, metrics),
    hub,
    tokens,
    revocations,
    credentials,
    apiKeys,
    deletions,
    budget: new TokenBudget(storage, config.userTokenBudget),
    similarity,
    metrics,
    limiters,
    authenticate: authenticate(credentials),
  };
  await app.register(authRoutes, context);
  await app.register(deleteAccountRoute, context);
  await app.register(apiKeyRoutes, context);
  await app.register(usageRoutes, context);
  await app.register(promptRoutes, context);
  await app.register(exportRoutes, context);
  await app.register(similarityRoutes, context);
  await app.register(socketRoutes, context);
  await app.register(openaiCompatRoutes, context);
};
