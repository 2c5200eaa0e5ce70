import { type HeadlessChromium, launchChromium, startServer, type TestServer } from "@prompt-service/testkit";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
let browser: HeadlessChromium;
let context: BrowserContext;
/** Every URL the pages asked the network for, and those whose host was not this server. */
const requested: string[] = [];
const external: string[] = [];
/** Requests the pages' Content-Security-Policy stopped inside the browser, before any network access. */
const blockedByPolicy: string[] = [];
const failed: string[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  context = browser.context;
  // Requests for another host are recorded and never sent: the test proves there are none, offline or not.
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    requested.push(url.href);
    if (url.hostname === "127.0.0.1") return route.continue();
    external.push(url.href);
    return route.abort("blockedbyclient");
  });
  context.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText;
    if (reason === "csp") blockedByPolicy.push(request.url());
    else failed.push(`${request.url()} (${reason})`);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the page shows every text, as a person would see it. */
async function expectVisibleText(page: Page, ...texts: string[]): Promise<void> {
  for (const text of texts) {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, what a person sees, is the point.
    await expect.poll(() => page.locator("body").innerText(), { timeout: 30_000 }).toContain(text);
  }
}

describe("in a browser", () => {
  it("Swagger UI at /docs shows the operations, loading everything from this server", async () => {
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/docs`);
    expect(response?.status()).toBe(200);
    await expectVisibleText(page, "Prompt Service API", "/api/prompts", "Create an account", "/metrics");
    expect(await page.locator(".opblock").count()).toBeGreaterThanOrEqual(10);
    await page.close();
    expect(external).toEqual([]);
  }, 60_000);

  it("ReDoc at /redoc shows the operations, loading everything from this server", async () => {
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/redoc/`);
    expect(response?.status()).toBe(200);
    await expectVisibleText(page, "Prompt Service API", "Create an account", "/api/prompts", "ErrorBody");
    await page.close();
    expect(external).toEqual([]);
  }, 60_000);

  it("made no request that left 127.0.0.1", () => {
    expect(requested.length).toBeGreaterThan(5);
    for (const url of requested) expect(new URL(url).hostname, url).toBe("127.0.0.1");
    expect(external).toEqual([]);
    expect(failed).toEqual([]);
    // Not even an attempt the page's own policy had to stop (ReDoc's logo came from its CDN).
    expect(blockedByPolicy).toEqual([]);
  });

  it("shows the server's icon", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/redoc`);
    const href = await page.locator('link[rel="icon"]').getAttribute("href");
    const icon = await page.request.get(new URL(href ?? "", page.url()).href);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toBe("image/x-icon");
    // What a browser asks for on its own, whatever the page says.
    expect((await page.request.get(`${server.url}/favicon.ico`)).status()).toBe(200);
    await page.close();
  }, 60_000);
});
