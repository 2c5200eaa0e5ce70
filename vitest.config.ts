import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Package names resolve to their TypeScript sources so that tests never need a build.
export default defineConfig({
  resolve: {
    alias: {
      "@prompt-service/server": source("./packages/server/src/index.ts"),
      "@prompt-service/sdk": source("./packages/sdk/src/index.ts"),
      "@prompt-service/cli": source("./packages/cli/src/index.ts"),
      "@prompt-service/testkit": source("./packages/testkit/src/index.ts"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/**/*.test.ts"],
    // ink draws nothing live when it believes it runs under CI (is-in-ci reads CI at import), and the watch TUI's
    // tests check its live frames: the test workers are told they are not in CI, whatever ran them.
    env: { CI: "false", CONTINUOUS_INTEGRATION: "false" },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
