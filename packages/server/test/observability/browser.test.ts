import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type TestServer } from "@prompt-service/testkit";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";

/** Fails, never skips, on a machine without the browser: the docs would go untested without anyone noticing. */
function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`apt-get install -y chromium\` (Debian's package)`);
  }
}

let server: TestServer;
let userDataDir: string;
let context: BrowserContext;
/** Every URL the pages asked the network for, and those whose host was not this server. */
const requested: string[] = [];
const external: string[] = [];
/** Requests the pages' Content-Security-Policy stopped inside the browser, before any network access. */
const blockedByPolicy: string[] = [];
const failed: string[] = [];

beforeAll(async () => {
  requireChromium();
  server = await startServer();
  userDataDir = await mkdtemp(join(tmpdir(), "prompt-service-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
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
  await context?.close();
  await server?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
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
    // ReDoc's "Redocly" logo comes from a CDN: the policy stops it, and must stop nothing of this server.
    for (const url of blockedByPolicy) expect(new URL(url).hostname, url).not.toBe("127.0.0.1");
  });
});
