import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage, promptService, type Storage } from "@prompt-service/server";
import { seedEmbeddedDataDir, startServer, TEST_JWT_SECRET, type TestServer } from "@prompt-service/testkit";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ listen: false });
});
afterAll(() => server.close());

/** Every URL a page loads or links to: src, href and ReDoc's spec-url attributes. */
function referencesOf(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|spec-url)\s*=\s*"([^"]*)"/g)].map((match) => match[1] as string);
}

/** Fetches a page and everything it references, resolved as a browser would. */
async function loadPage(app: FastifyInstance, url: string) {
  const page = await app.inject({ url });
  const references = referencesOf(page.body);
  const assets = await Promise.all(
    references.map(async (reference) => {
      const resolved = new URL(reference, `http://127.0.0.1${url}`);
      const response = await app.inject({ url: resolved.pathname });
      return { reference, host: resolved.host, path: resolved.pathname, response };
    }),
  );
  return { page, references, assets };
}

describe.each(["/docs", "/docs/", "/redoc", "/redoc/"])("%s", (url) => {
  it("is an HTML page that references no other host", async () => {
    const { page, references, assets } = await loadPage(server.app, url);
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).not.toMatch(/https?:|\/\/[a-z0-9]/i);
    expect(references.length).toBeGreaterThan(1);
    for (const asset of assets) expect(asset.host, asset.reference).toBe("127.0.0.1");
  });

  it("loads every script, stylesheet and icon it references from this server", async () => {
    const { assets } = await loadPage(server.app, url);
    for (const { path, response } of assets) {
      expect(response.statusCode, path).toBe(200);
      expect(response.rawPayload.length, path).toBeGreaterThan(0);
    }
  });

  it("forbids the browser to load anything from another origin", async () => {
    const { page } = await loadPage(server.app, url);
    const policy = String(page.headers["content-security-policy"]);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("img-src 'self' data:");
    expect(policy).not.toMatch(/https?:|\*/);
  });
});

describe("Swagger UI", () => {
  it("loads the document from this server and never calls the online validator", async () => {
    const script = await server.app.inject({ url: "/docs/static/swagger-initializer.js" });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain("resolveUrl('./json')");
    expect(script.body).toMatch(/validatorUrl: null/);
    const json = await server.app.inject({ url: "/docs/json" });
    // /schema also names the server it was fetched from.
    const { servers: _servers, ...document } = (await server.app.inject({ url: "/schema" })).json();
    expect(json.json()).toEqual(document);
  });
});

describe("ReDoc", () => {
  it("serves the standalone bundle of the redoc package", async () => {
    const bundle = await server.app.inject({ url: "/redoc/redoc.standalone.js" });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers["content-type"]).toMatch(/^application\/javascript/);
    expect(bundle.body.length).toBeGreaterThan(500_000);
    expect(bundle.body).toContain("Redoc");
  });

  it("serves a bundle that loads no logo from ReDoc's CDN", async () => {
    const bundle = await server.app.inject({ url: "/redoc/redoc.standalone.js" });
    expect(bundle.body).not.toContain("cdn.redoc.ly");
  });

  it("asks for system fonts instead of web fonts", async () => {
    const page = await server.app.inject({ url: "/redoc" });
    expect(page.body).toContain("system-ui");
    expect(page.body).not.toMatch(/fonts\.googleapis|@import|<link rel="stylesheet"/);
  });
});

describe("/favicon.ico", () => {
  it("is an icon a browser shows", async () => {
    const icon = await server.app.inject({ url: "/favicon.ico" });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["content-type"]).toBe("image/x-icon");
    // An ICO directory of one 32×32 image, stored as a PNG.
    expect([...icon.rawPayload.subarray(0, 8)]).toEqual([0, 0, 1, 0, 1, 0, 32, 32]);
    expect(icon.rawPayload.subarray(22, 26).toString("latin1")).toBe("\x89PNG");
  });
});

describe("mounted under a prefix", () => {
  let app: FastifyInstance;
  let storage: Storage;
  let dataDir: string;
  beforeAll(async () => {
    // A copy of a migrated database (a new one, initdb, takes seconds), and createServer's bound on the plugin's
    // start, which loads the embedding model: past Fastify's 10 s default on a busy machine.
    dataDir = await mkdtemp(join(tmpdir(), "prompt-docs-prefix-"));
    await seedEmbeddedDataDir(dataDir);
    storage = await openStorage({ dataDir });
    app = Fastify({ pluginTimeout: 120_000 });
    await app.register(promptService, { prefix: "/v1", storage, jwtSecret: TEST_JWT_SECRET });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(["/v1/docs", "/v1/docs/", "/v1/redoc", "/v1/redoc/"])(
    "%s loads its assets under the prefix",
    async (url) => {
      const { page, assets } = await loadPage(app, url);
      expect(page.statusCode).toBe(200);
      for (const { path, response } of assets) {
        expect(path).toMatch(/^\/v1\//);
        expect(response.statusCode, path).toBe(200);
      }
    },
  );

  it("serves the document under the prefix, with the paths as the clients call them", async () => {
    const document = (await app.inject({ url: "/v1/schema" })).json();
    expect(Object.keys(document.paths)).toContain("/v1/api/prompts");
  });
});
