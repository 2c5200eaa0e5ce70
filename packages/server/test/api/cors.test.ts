import { createPrompt, registerUser, startServer, type TestServer } from "@prompt-service/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const APP = "https://app.example.com";

describe("CORS_ORIGINS", () => {
  let open: TestServer;
  let closed: TestServer;
  beforeAll(async () => {
    open = await startServer({ listen: false, corsOrigins: `${APP}, http://localhost:5173` });
    closed = await startServer({ listen: false });
  });
  afterAll(async () => {
    await open.close();
    await closed.close();
  });

  const preflight = (server: TestServer, origin: string) =>
    server.app.inject({
      method: "OPTIONS",
      url: "/api/prompts",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });

  it("lets a listed page send authenticated JSON, and read the throttle's and tracing headers", async () => {
    const allowed = await preflight(open, APP);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe(APP);
    expect(String(allowed.headers["access-control-allow-methods"])).toContain("POST");
    expect(String(allowed.headers["access-control-allow-headers"]).toLowerCase()).toContain("authorization");

    const user = await registerUser(open.app);
    const created = await createPrompt(open.app, user, "hola", { origin: APP });
    expect(created.statusCode).toBe(201);
    expect(created.headers["access-control-allow-origin"]).toBe(APP);
    expect(String(created.headers["access-control-expose-headers"]).toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(["ratelimit-remaining", "retry-after", "x-request-id"]),
    );
    expect(created.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("lets a listed page delete, retry with an Idempotency-Key, and call /v1 with the OpenAI SDK's own headers", async () => {
    const deleting = await open.app.inject({
      method: "OPTIONS",
      url: "/api/prompts/1",
      headers: {
        origin: APP,
        "access-control-request-method": "DELETE",
        "access-control-request-headers": "authorization",
      },
    });
    expect(String(deleting.headers["access-control-allow-methods"])).toContain("DELETE");
    const openai = await open.app.inject({
      method: "OPTIONS",
      url: "/v1/chat/completions",
      headers: {
        origin: APP,
        "access-control-request-method": "POST",
        "access-control-request-headers":
          "authorization, content-type, idempotency-key, x-stainless-os, x-stainless-retry-count",
      },
    });
    const allowed = String(openai.headers["access-control-allow-headers"]).toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(["idempotency-key", "x-stainless-os", "x-stainless-retry-count"]),
    );
  });

  it("gives no cross-origin access to a page it does not list, nor to any page when unset", async () => {
    const other = await preflight(open, "https://evil.example.net");
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const unset = await preflight(closed, APP);
    expect(unset.headers["access-control-allow-origin"]).toBeUndefined();
    const read = await closed.app.inject({ url: "/healthz", headers: { origin: APP } });
    expect(read.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
