import { createHash, timingSafeEqual } from "node:crypto";
import { ErrorBody } from "@prompt-service/protocol/schemas";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ApiError } from "../http/api-error.js";
import { slashVariants } from "../http/slash-variants.js";
import type { Metrics } from "./metrics.js";

interface MetricsPluginOptions {
  metrics: Metrics;
  /** When set, scrapers must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

const CHALLENGE = 'Bearer realm="metrics"';

/** Hashing first gives both sides one length, so the comparison time says nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const toggleSlash = (url: string) => (url.endsWith("/") ? url.slice(0, -1) : `${url}/`);

/**
 * Times every request of the service into `http_request_duration_seconds` and serves `GET /metrics`. Not
 * encapsulated, so that its hooks see the routes registered beside it.
 */
const plugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { metrics, token }) => {
  // A hidden slash twin (`/api/prompts/` of `/api/prompts`) is the same endpoint: it is counted under the
  // documented spelling, so dashboards see one series per endpoint.
  const documented = new Set<string>();
  const canonical = new Map<string, string>();
  app.addHook("onRoute", (route) => {
    if (!route.schema?.hide) documented.add(route.url);
    else if (documented.has(toggleSlash(route.url))) canonical.set(route.url, toggleSlash(route.url));
  });

  // The template, never the raw path: `/api/prompts/123` would make one series per prompt.
  const routeLabel = (request: FastifyRequest) => {
    const url = request.routeOptions.url;
    return url === undefined ? "unmatched" : (canonical.get(url) ?? url);
  };

  // The callback form, as every hook on each request's path (see request-logging.ts).
  app.addHook("onResponse", (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: routeLabel(request), status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const requireToken = async (request: FastifyRequest) => {
    if (token === undefined) return;
    const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
    if (given === undefined || !sameSecret(given, token)) {
      throw new ApiError("not_authenticated", "Send the metrics token as `Authorization: Bearer <token>`.", {
        headers: { "www-authenticate": CHALLENGE },
      });
    }
  };

  const schema = {
    tags: ["operations"],
    operationId: "getMetrics",
    summary: "Prometheus metrics",
    description:
      "Prometheus text exposition format. Requires the metrics token when the server sets METRICS_TOKEN.",
    ...(token === undefined ? {} : { security: [{ metricsToken: [] }] }),
    response: {
      200: {
        description: "Metrics in the Prometheus text format, version 0.0.4.",
        content: { "text/plain": { schema: { type: "string" } } },
      },
      ...(token === undefined ? {} : { 401: ErrorBody }),
    },
  };
  for (const route of slashVariants("/metrics", schema)) {
    app.get(route.url, { schema: route.schema, onRequest: requireToken }, async (_request, reply) => {
      return reply.type(metrics.contentType).send(await metrics.exposition());
    });
  }
};

export const metricsPlugin = fp(plugin, { name: "prompt-service-metrics" });
