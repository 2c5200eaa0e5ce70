import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { ConfigError } from "../src/errors.js";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8000, host: "127.0.0.1", logLevel: "info", trustProxy: undefined });
    expect(config.options).toMatchObject({
      dataDir: "./.prompt-service",
      accessTokenTtl: "5m",
      refreshTokenTtl: "1d",
      promptRateLimits: "1/s,10/min",
      embeddings: "bundled",
      vectorIndex: "auto",
      production: false,
    });
  });

  it("treats empty variables as unset, as shells and compose files write them", () => {
    expect(loadConfig({ OPENAI_API_KEY: "", PORT: "" }).options.openaiApiKey).toBeUndefined();
  });

  it.each([
    [{ TRUST_PROXY: "true" }, true],
    [{ TRUST_PROXY: "10.0.0.0/8, 192.168.1.7" }, ["10.0.0.0/8", "192.168.1.7"]],
  ])("reads TRUST_PROXY %j", (env, expected) => {
    expect(loadConfig(env).trustProxy).toEqual(expected);
  });

  it("reads TRUST_PROXY as a number of hops", () => {
    const trust = loadConfig({ TRUST_PROXY: "2" }).trustProxy as (address: string, hop: number) => boolean;
    expect([trust("1.2.3.4", 0), trust("1.2.3.4", 1), trust("1.2.3.4", 2)]).toEqual([true, true, false]);
  });

  it.each([
    [{ TRUST_PROXY: "the balancer" }, "TRUST_PROXY"],
    [{ PROMPT_RATE_LIMITS: "lots" }, "PROMPT_RATE_LIMITS"],
    [{ EMBEDDINGS: "word2vec" }, "EMBEDDINGS"],
    [{ VECTOR_INDEX: "annoy" }, "VECTOR_INDEX"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL"],
    [{ WS_HEARTBEAT_INTERVAL: "often" }, "WS_HEARTBEAT_INTERVAL"],
  ])("rejects %j naming %s", (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});
