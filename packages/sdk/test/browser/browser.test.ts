import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type HeadlessChromium, launchChromium, startServer, type TestServer } from "@prompt-service/testkit";
import { build } from "esbuild";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The SDK in a real browser: its browser entry bundled by esbuild for the browser platform (a Node import would
 * fail the bundle), loaded by a page on one origin, calling a server on another (a different port) that lists the
 * page's origin in CORS_ORIGINS; and refused by one that does not.
 */
describe("the SDK in headless Chromium, against a server on another origin", () => {
  let page: Server;
  let pageOrigin: string;
  let api: TestServer;
  let closedApi: TestServer;
  let browser: HeadlessChromium;
  let context: BrowserContext;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL("./app.ts", import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    const script = bundle.outputFiles[0]?.text ?? "";
    page = createServer((request, response) => {
      if (request.url === "/app.js") {
        response.writeHead(200, { "content-type": "text/javascript" }).end(script);
      } else {
        response
          .writeHead(200, { "content-type": "text/html" })
          .end('<!doctype html><title>sdk</title><script type="module" src="/app.js"></script>');
      }
    });
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    api = await startServer({ corsOrigins: [pageOrigin] });
    closedApi = await startServer();
    browser = await launchChromium();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await closedApi?.close();
    await new Promise((resolve) => page?.close(resolve));
  });

  const openPage = async () => {
    const tab = await context.newPage();
    await tab.goto(pageOrigin);
    await tab.waitForFunction(() => "runFlow" in globalThis);
    return tab;
  };

  it("registers, logs in, creates with live events, streams an answer and searches", async () => {
    const tab = await openPage();
    const result = await tab.evaluate(
      (baseUrl) => (globalThis as unknown as { runFlow(url: string): Promise<unknown> }).runFlow(baseUrl),
      api.url,
    );
    const { created, socketDeltas, streamed, streamedPieces, similarIds } = result as {
      created: { id: number; response: string };
      socketDeltas: Array<{ id: number; delta: string }>;
      streamed: { id: number; response: string };
      streamedPieces: string[];
      similarIds: number[];
    };
    expect(created.response).toBe("[mocked-llm_response] hola desde el navegador");
    expect(socketDeltas.map((delta) => delta.delta).join("")).toBe(created.response);
    expect(socketDeltas.every((delta) => delta.id === created.id)).toBe(true);
    expect(streamedPieces.join("")).toBe(streamed.response);
    expect(streamed.response).toBe("[mocked-llm_response] cuéntame algo desde el navegador");
    expect(similarIds).toHaveLength(2);
    expect(similarIds).toContain(created.id);
    await tab.close();
  }, 60_000);

  it("is refused by the browser when the server does not list the page's origin", async () => {
    const tab = await openPage();
    const outcome = await tab.evaluate(
      (baseUrl) =>
        (globalThis as unknown as { runFlow(url: string): Promise<unknown> }).runFlow(baseUrl).then(
          () => "allowed",
          (error: Error) => `${error.name}: ${error.message}`,
        ),
      closedApi.url,
    );
    expect(outcome).toMatch(/^ConnectionError: /);
    await tab.close();
  }, 60_000);
});
