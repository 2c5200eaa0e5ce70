import swaggerUi from "@fastify/swagger-ui";
import type { FastifyPluginAsync } from "fastify";
import { DOCS_CONTENT_SECURITY_POLICY } from "./docs-csp.js";

/** Swagger UI at `/docs` (and `/docs/`), its scripts and styles served from the @fastify/swagger-ui package. */
export const swaggerUiPage: FastifyPluginAsync = async (app) => {
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    // The page links its assets by absolute path: this keeps them right when the service is mounted under a prefix.
    indexPrefix: app.prefix,
    staticCSP: DOCS_CONTENT_SECURITY_POLICY,
    theme: { title: "Prompt Service API" },
  });
};
