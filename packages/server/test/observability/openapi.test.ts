import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage, promptService } from "@prompt-service/server";
import { seedEmbeddedDataDir, startServer, TEST_JWT_SECRET, type TestServer } from "@prompt-service/testkit";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import Fastify, { type RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };

interface Operation {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
  required?: string[];
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, unknown>;
    responses?: Record<string, { content?: Record<string, { schema: Schema }> }>;
  };
}

let server: TestServer;
let document: OpenApiDocument;

beforeAll(async () => {
  server = await startServer({ listen: false });
  const response = await server.app.inject({ url: "/schema" });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(() => server.close());

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

/** The schema an `$ref` such as `#/components/schemas/ErrorBody` points to. */
function resolvePointer(ref: string): unknown {
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

function refsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "$ref" && typeof value === "string" ? [value] : refsIn(value),
  );
}

const toggleSlash = (path: string) => (path.endsWith("/") ? path.slice(0, -1) : `${path}/`);

describe("GET /schema", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(document as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");
  });

  it("has only local references, and each resolves", () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\//);
      expect(resolvePointer(ref), ref).toBeDefined();
    }
  });

  it("has component schemas that are valid JSON Schema 2020-12", () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(() => ajv.compile(schema), name).not.toThrow();
    }
  });

  it("names the API and the server package's version", () => {
    expect(document.info).toMatchObject({ title: "Prompt Service API", version: packageJson.version });
  });

  it("shares one ErrorBody component {detail, code, fields?} across the error responses", () => {
    const errorBody = document.components.schemas.ErrorBody;
    expect(errorBody?.required).toEqual(["detail", "code"]);
    expect(Object.keys(errorBody?.properties ?? {})).toEqual(["detail", "code", "fields"]);
    const errorResponses = operations().flatMap(({ path, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400 && path !== "/readyz")
        .map(([status, response]) => ({
          where: `${path} ${status}`,
          response,
          // The OpenAI-compatible API answers in OpenAI's shape, which its clients parse.
          body: operation.tags?.includes("openai") ? "OpenAiError" : "ErrorBody",
        })),
    );
    expect(errorResponses.length).toBeGreaterThan(10);
    expect(errorResponses.filter(({ body }) => body === "OpenAiError").length).toBeGreaterThan(10);
    for (const { where, response: given, body } of errorResponses) {
      // Errors every operation may get are shared responses (components/responses), the others are inline.
      const shared = (given as { $ref?: string }).$ref?.replace("#/components/responses/", "");
      const response = shared ? (document.components.responses?.[shared] ?? {}) : given;
      expect(response.content?.["application/json"]?.schema, where).toEqual({
        $ref: `#/components/schemas/${body}`,
      });
    }
  });

  it("declares the bearerAuth scheme and the authenticated operations use it", () => {
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.paths["/api/prompts"]?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths["/api/prompts/{id}"]?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths["/api/auth/me/"]?.get?.security).toEqual([{ bearerAuth: [] }]);
    // Public operations say so, rather than leaving tools to guess.
    expect(document.paths["/api/auth/login/"]?.post?.security).toEqual([]);
  });

  it("gives every operation a summary and declared tags", () => {
    const declared = document.tags.map((tag) => tag.name);
    for (const { path, method, operation } of operations()) {
      expect(operation.summary, `${method} ${path}`).toBeTruthy();
      expect(operation.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(declared).toContain(tag);
    }
  });

  it("documents request bodies, query strings and path parameters from the validation schemas", () => {
    const register = document.paths["/api/auth/register/"]?.post;
    expect(register?.requestBody?.content["application/json"]?.schema.required).toEqual([
      "username",
      "email",
      "password",
    ]);
    expect(register?.responses["201"]?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/User",
    });
    const list = document.paths["/api/prompts"]?.get;
    expect(list?.parameters?.map(({ name, in: where }) => `${where}:${name}`)).toEqual([
      "query:limit",
      "query:cursor",
    ]);
    const get = document.paths["/api/prompts/{id}"]?.get;
    expect(get?.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(document.paths["/metrics"]?.get?.responses["200"]?.content).toHaveProperty("text/plain");
  });

  it("leaves out the hidden slash twins and the documentation's own routes", () => {
    const paths = Object.keys(document.paths);
    for (const path of paths) expect(paths, path).not.toContain(toggleSlash(path));
    expect(paths.filter((path) => /^\/(docs|redoc|schema)\b/.test(path))).toEqual([]);
  });

  it("is also served at /schema/", async () => {
    const response = await server.app.inject({ url: "/schema/" });
    expect(response.json()).toEqual(document);
  });
});

describe("the document and the routes agree", () => {
  it("every documented path and method is a route", async () => {
    for (const { path, method } of operations()) {
      const response = await server.app.inject({
        method: method.toUpperCase() as "GET",
        url: path.replace(/\{\w+\}/g, "1"),
        ...(method === "post" ? { payload: {} } : {}),
      });
      const noRoute =
        response.statusCode === 404 && String(response.json().detail).startsWith("No route for");
      expect(noRoute, `${method.toUpperCase()} ${path} → ${response.statusCode} ${response.body}`).toBe(
        false,
      );
    }
  });

  it("every registered route is documented, except hidden slash twins and the documentation itself", async () => {
    // A copy of a migrated database: a new one (initdb) took most of this test's time, and past its bound on a busy
    // machine.
    const dataDir = await mkdtemp(join(tmpdir(), "prompt-openapi-"));
    await seedEmbeddedDataDir(dataDir);
    const storage = await openStorage({ dataDir });
    // As createServer's app: the plugin loads the embedding model, past Fastify's 10 s default on a busy machine.
    const app = Fastify({ pluginTimeout: 120_000 });
    const routes: RouteOptions[] = [];
    app.addHook("onRoute", (route) => {
      routes.push({ ...route, schema: { ...route.schema } });
    });
    await app.register(promptService, { storage, jwtSecret: TEST_JWT_SECRET });
    await app.ready();
    const own = await app.inject({ url: "/schema" });
    await app.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
    const registered = own.json<OpenApiDocument>();

    // Each API route is registered for one method (Fastify adds the HEAD twin of a GET by itself).
    const methodOf = (route: RouteOptions) => [route.method].flat()[0] as string;
    const shown = new Set(
      routes.filter((route) => !route.schema?.hide).map((r) => `${methodOf(r)} ${r.url}`),
    );
    const undocumented = routes
      .filter((route) => methodOf(route) !== "HEAD")
      // OpenAPI has no operation for a WebSocket upgrade; @fastify/websocket hides these routes on purpose.
      .filter((route) => !route.websocket && !("wsHandler" in route))
      .filter((route) => !/^\/(docs|redoc|schema|favicon\.ico)(\/|$)/.test(route.url))
      .filter((route) => !(route.schema?.hide && shown.has(`${methodOf(route)} ${toggleSlash(route.url)}`)))
      .filter((route) => {
        const path = route.url.replace(/:(\w+)/g, "{$1}");
        return !registered.paths[path]?.[methodOf(route).toLowerCase()];
      })
      .map((route) => `${methodOf(route)} ${route.url}`);
    expect(routes.length).toBeGreaterThan(20);
    expect(undocumented, undocumented.join(", ")).toEqual([]);
  });
});
