import { run } from "@prompt-service/cli";
import { SETTINGS } from "@prompt-service/server";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addSettingFlags, serverEnvironment } from "../../src/commands/serve-settings.js";
import { temporaryConfigHome } from "../support/context.js";
import { fakeIO } from "../support/fake-io.js";

const SECRETS = ["JWT_SECRET", "OPENAI_API_KEY", "METRICS_TOKEN"];

describe("the flags of prompt serve", () => {
  it("are every setting of the server but its secrets, as the environment variable in kebab case", () => {
    const flags = addSettingFlags(new Command(), SETTINGS).options.map((option) => option.long);
    const expected = SETTINGS.filter(({ env }) => !SECRETS.includes(env)).map(
      ({ env }) => `--${env.toLowerCase().replaceAll("_", "-")}`,
    );
    expect(flags.filter((flag) => flag !== "--help")).toEqual(expected);
    expect(flags).toEqual(
      expect.arrayContaining(["--database-url", "--ws-max-sockets-per-user", "--log-level"]),
    );
    for (const secret of SECRETS)
      expect(flags).not.toContain(`--${secret.toLowerCase().replaceAll("_", "-")}`);
  });

  it("win over the environment, which passes through", () => {
    const flags = addSettingFlags(new Command(), SETTINGS).parse(
      ["--port", "9000", "--database-url", "postgres://db/prompts"],
      {
        from: "user",
      },
    );
    const env = serverEnvironment(
      { PORT: "8000", JWT_SECRET: "from-the-environment", DATA_DIR: "./data" },
      flags,
    );
    expect(env).toEqual({
      PORT: "9000",
      JWT_SECRET: "from-the-environment",
      DATA_DIR: "./data",
      DATABASE_URL: "postgres://db/prompts",
    });
  });

  it("are listed by prompt serve --help, each with its default and its variable", async () => {
    const fake = fakeIO({ env: { XDG_CONFIG_HOME: await temporaryConfigHome() } });
    expect(await run(["serve", "--help"], fake.io)).toBe(0);
    expect(fake.stdout()).toMatch(/^Usage: prompt serve \[settings\]\n/);
    expect(fake.stdout()).toMatch(
      /--prompt-rate-limits <rules>\s+throttle of new prompts per user\s+\(default:\s+1\/s,10\/min\)\s+\[PROMPT_RATE_LIMITS\]/,
    );
    expect(fake.stdout()).toMatch(
      /--embedding-threads <n>[^[]*\(default:\s+cores − 1 \(at least 1\)\)\s+\[EMBEDDING_THREADS\]/,
    );
    expect(fake.stdout()).not.toContain("--jwt-secret");
  });

  it("refuse a flag that is not a setting", async () => {
    const fake = fakeIO({ env: { XDG_CONFIG_HOME: await temporaryConfigHome() } });
    expect(await run(["serve", "--jwt-secret", "x".repeat(40)], fake.io)).toBe(2);
    expect(fake.stderr()).toMatch(/unknown option '--jwt-secret'/);
  });
});
