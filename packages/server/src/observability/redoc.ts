import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsync } from "fastify";
import { slashVariants } from "../http/slash-variants.js";
import { DOCS_CONTENT_SECURITY_POLICY } from "./docs-csp.js";

const here = fileURLToPath(import.meta.url);

/**
 * ReDoc's self-contained browser bundle: copied next to the build (see tsup.config.ts), so that installing the server
 * does not install the redoc package and its React, MobX and styled-components for one file; from the
 * redoc package, a development dependency, when the server runs from source.
 */
function redocBundle(): string {
  const copied = join(dirname(here), "redoc", "redoc.standalone.js");
  return existsSync(copied) ? copied : createRequire(here).resolve("redoc/bundles/redoc.standalone.js");
}

/**
 * ReDoc draws a "Redocly" logo beside its "API docs by Redocly" credit from its CDN, and no option turns it off: the
 * page would ask the CDN for it (and the page's policy refuse it). An empty data: URL fails to load at once, and
 * ReDoc then leaves the image out (its onError); the credit and its link stay. Nothing leaves the server's origin.
 */
const CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";

function offlineBundle(): string {
  return readFileSync(redocBundle(), "utf8").replaceAll(CDN_LOGO, "data:,");
}

/**
 * The system's fonts: ReDoc's defaults (Montserrat, Roboto) are web fonts that its examples load from Google Fonts,
 * and this page loads nothing from elsewhere.
 */
const THEME = {
  typography: {
    fontFamily: "system-ui, -apple-system, 'Segoe UI', sans-serif",
    headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', sans-serif" },
    code: { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace" },
  },
};

const escapeAttribute = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;");

function page(prefix: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Prompt Service API</title>
    <link rel="icon" href="${escapeAttribute(`${prefix}/favicon.ico`)}">
    <style>body { margin: 0; padding: 0; }</style>
  </head>
  <body>
    <redoc spec-url="${escapeAttribute(`${prefix}/schema`)}" theme="${escapeAttribute(JSON.stringify(THEME))}"></redoc>
    <script src="${escapeAttribute(`${prefix}/redoc/redoc.standalone.js`)}"></script>
  </body>
</html>
`;
}

/**
 * ReDoc at `/redoc` (and `/redoc/`): a page that loads ReDoc's self-contained browser bundle, and the document from
 * `/schema`.
 */
export const redocPage: FastifyPluginAsync = async (app) => {
  const bundle = offlineBundle();
  const html = page(app.prefix);

  app.addHook("onSend", async (_request, reply) => {
    reply.header("content-security-policy", DOCS_CONTENT_SECURITY_POLICY);
  });

  for (const route of slashVariants("/redoc", { hide: true })) {
    app.get(route.url, { schema: route.schema }, async (_request, reply) =>
      reply.type("text/html; charset=utf-8").send(html),
    );
  }
  app.get("/redoc/redoc.standalone.js", { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type("application/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=3600")
      .send(bundle),
  );
};
