import { describe, expect, it } from "vitest";
import { attributeOf, flagOf, SERVE_SETTINGS, serverEnvironment } from "../../src/commands/serve-settings.js";

describe("the flags of prompt serve", () => {
  it("are the environment variables of npm start in kebab case", () => {
    expect(flagOf("DATABASE_URL")).toBe("database-url");
    expect(attributeOf("WS_MAX_SOCKETS_PER_USER")).toBe("wsMaxSocketsPerUser");
    expect(SERVE_SETTINGS.map((setting) => setting.env)).toEqual(
      expect.arrayContaining(["PORT", "HOST", "DATA_DIR", "DATABASE_URL", "REDIS_URL", "LOG_LEVEL"]),
    );
  });

  it("leave out secrets, which would show in the process list", () => {
    const names = SERVE_SETTINGS.map((setting) => setting.env);
    for (const secret of ["JWT_SECRET", "OPENAI_API_KEY", "METRICS_TOKEN"])
      expect(names).not.toContain(secret);
  });

  it("win over the environment, which passes through", () => {
    const env = serverEnvironment(
      { PORT: "8000", JWT_SECRET: "from-the-environment", DATA_DIR: "./data" },
      { port: "9000", databaseUrl: "postgres://db/prompts" },
    );
    expect(env).toEqual({
      PORT: "9000",
      JWT_SECRET: "from-the-environment",
      DATA_DIR: "./data",
      DATABASE_URL: "postgres://db/prompts",
    });
  });
});
