import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import packageJson from "../../package.json" with { type: "json" };
import { favicon } from "./favicon.js";
import { type HealthOptions, health } from "./health.js";
import type { Metrics } from "./metrics.js";
import { metricsPlugin } from "./metrics-plugin.js";
import { openApi } from "./openapi.js";
import { redocPage } from "./redoc.js";
import { swaggerUiPage } from "./swagger-ui.js";

export type { ReadinessCheck } from "./health.js";
export { Metrics } from "./metrics.js";

interface ObservabilityOptions extends HealthOptions {
  metrics: Metrics;
  /** When set, `GET /metrics` requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | undefined;
  /** PROMPT_MAX_LENGTH, for the API document. */
  promptMaxLength: number;
}

/**
 * API documentation (`/schema`, `/docs`, `/redoc`, and `/favicon.ico` for them), Prometheus metrics (`/metrics`) and health probes (`/healthz`,
 * `/readyz`). Register it before the route plugins: the document and the request metrics are built from the
 * routes registered after it, in the same context.
 */
const plugin: FastifyPluginAsync<ObservabilityOptions> = async (app, options) => {
  await app.register(openApi, { version: packageJson.version, promptMaxLength: options.promptMaxLength });
  await app.register(swaggerUiPage);
  await app.register(redocPage);
  await app.register(favicon);
  await app.register(metricsPlugin, { metrics: options.metrics, token: options.metricsToken });
  await app.register(health, {
    readinessChecks: options.readinessChecks,
    readinessTimeoutMs: options.readinessTimeoutMs,
  });
};

export const observability = fp(plugin, { name: "prompt-service-observability" });
