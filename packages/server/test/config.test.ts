import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, resolveOptions } from "../src/config.js";
import { ConfigError } from "../src/errors.js";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8000, host: "127.0.0.1", logLevel: "info", trustProxy: undefined });
    expect(config.options).toEqual({});
    expect(resolveOptions(config.options)).toMatchObject({
      dataDir: resolve("./.prompt-service"),
      accessTokenTtl: 5 * 60_000,
      refreshTokenTtl: 24 * 3_600_000,
      promptRateLimits: [
        { limit: 1, windowMs: 1000 },
        { limit: 10, windowMs: 60_000 },
      ],
      embeddings: "bundled",
      vectorIndex: "auto",
      corsOrigins: [],
      answerReuseMinScore: undefined,
      production: false,
    });
  });

  it("reads every setting from its variable, and gives it to the plugin under the option of the same name", () => {
    const config = loadConfig({
      DATA_DIR: "/srv/prompts",
      WS_MAX_SOCKETS: "7",
      ANSWER_REUSE_MIN_SCORE: "0.6",
    });
    expect(config.options).toEqual({ dataDir: "/srv/prompts", wsMaxSockets: 7, answerReuseMinScore: 0.6 });
  });

  it("does not read the process's own environment when given another", () => {
    process.env.PROMPT_MAX_LENGTH = "12";
    try {
      expect(loadConfig({}).options.promptMaxLength).toBeUndefined();
    } finally {
      delete process.env.PROMPT_MAX_LENGTH;
    }
  });

  it("names the environment variable when an option given to the plugin is bad", () => {
    expect(() => resolveOptions({ jwtSecret: "short" })).toThrow(
      /^JWT_SECRET must be at least 32 characters/,
    );
    expect(() => resolveOptions({ wsMaxSockets: 0 })).toThrow(
      /^WS_MAX_SOCKETS must be an integer of at least 1/,
    );
    expect(() => resolveOptions({ vectorIndex: "annoy" as "auto" })).toThrow(/^VECTOR_INDEX must be/);
  });

  it.each([
    [undefined, 256 * 1024 * 1024],
    ["16MB", 16 * 1024 * 1024],
    ["1.5gb", 1.5 * 1024 ** 3],
    ["512kb", 512 * 1024],
    ["1000000", 1_000_000],
  ])("reads INDEX_MEMORY_BUDGET=%j as %d bytes", (value, expected) => {
    const { options } = loadConfig(value === undefined ? {} : { INDEX_MEMORY_BUDGET: value });
    expect(resolveOptions(options).indexMemoryBudget).toBe(expected);
  });

  it("treats empty variables as unset, as shells and compose files write them", () => {
    expect(loadConfig({ OPENAI_API_KEY: "", PORT: "" }).options.openaiApiKey).toBeUndefined();
  });

  it("reads TRUST_PROXY as proxy addresses or CIDR ranges: only those proxies are trusted", () => {
    const trust = loadConfig({ TRUST_PROXY: "10.0.0.0/8, 192.168.1.7, fd00::/8" }).trustProxy as (
      address: string,
      hop: number,
    ) => boolean;
    expect(
      ["10.3.4.5", "::ffff:10.3.4.5", "192.168.1.7", "fd00::1"].map((address) => trust(address, 0)),
    ).toEqual([true, true, true, true]);
    expect(
      ["127.0.0.1", "192.168.1.8", "11.0.0.1", "::1", "unknown"].map((address) => trust(address, 0)),
    ).toEqual([false, false, false, false, false]);
  });

  it("reads TRUST_PROXY=true as one hop, never as trusting what the client wrote", () => {
    const trust = loadConfig({ TRUST_PROXY: "true" }).trustProxy as (address: string, hop: number) => boolean;
    expect([trust("10.0.0.2", 0), trust("6.6.6.6", 1)]).toEqual([true, false]);
  });

  it("reads TRUST_PROXY as a number of hops", () => {
    const trust = loadConfig({ TRUST_PROXY: "2" }).trustProxy as (address: string, hop: number) => boolean;
    expect([trust("1.2.3.4", 0), trust("1.2.3.4", 1), trust("1.2.3.4", 2)]).toEqual([true, true, false]);
  });

  it.each([
    [{ TRUST_PROXY: "the balancer" }, "TRUST_PROXY"],
    [{ TRUST_PROXY: "10.0.0.0/99" }, "TRUST_PROXY"],
    [{ TRUST_PROXY: "10.0.0.300" }, "TRUST_PROXY"],
    [{ HEADERS_TIMEOUT: "soon" }, "HEADERS_TIMEOUT"],
    [{ MAX_CONNECTIONS_PER_ADDRESS: "0" }, "MAX_CONNECTIONS_PER_ADDRESS"],
    [{ PROMPT_RATE_LIMITS: "lots" }, "PROMPT_RATE_LIMITS"],
    [{ EMBEDDINGS: "word2vec" }, "EMBEDDINGS"],
    [{ VECTOR_INDEX: "annoy" }, "VECTOR_INDEX"],
    [{ INDEX_MEMORY_BUDGET: "1GiB" }, "INDEX_MEMORY_BUDGET"],
    [{ CORS_ORIGINS: "https://app.example.com/path" }, "CORS_ORIGINS"],
    [{ CORS_ORIGINS: "*, https://app.example.com" }, "CORS_ORIGINS"],
    [{ ANSWER_REUSE_MIN_SCORE: "1.5" }, "ANSWER_REUSE_MIN_SCORE"],
    [{ MOCK_LLM_DELAY: "soon" }, "MOCK_LLM_DELAY"],
    [{ INDEX_MEMORY_BUDGET: "lots" }, "INDEX_MEMORY_BUDGET"],
    [{ INDEX_MEMORY_BUDGET: "0" }, "INDEX_MEMORY_BUDGET"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL"],
    [{ WS_HEARTBEAT_INTERVAL: "often" }, "WS_HEARTBEAT_INTERVAL"],
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
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

describe("secrets in production", () => {
  const production = (env: Record<string, string>) => () => loadConfig({ NODE_ENV: "production", ...env });

  it.each(["Production", " PRODUCTION ", "production"])("takes NODE_ENV=%j as production", (nodeEnv) => {
    expect(() => loadConfig({ NODE_ENV: nodeEnv })).toThrow(/JWT_SECRET is required in production/);
  });

  it.each([
    "a".repeat(40),
    "password123password123password123",
    "abababababababababababababababab1234567890",
  ])("refuses the guessable JWT_SECRET %j, naming JWT_SECRET", (secret) => {
    expect(production({ JWT_SECRET: secret })).toThrow(/^JWT_SECRET looks guessable/);
  });

  it("takes a random secret such as openssl rand -hex 32 makes", () => {
    const secret = "9f2c1e7a4b8d03f6a5c2e1b7d9048f3a6c5e2b1d7f9a0384c6e5b2a1d7f90e3b";
    expect(production({ JWT_SECRET: secret })().options.production).toBe(true);
  });
});
