import { defineConfig } from "tsup";

export default defineConfig([
  // Node: undici and ws stay external dependencies, loaded only here.
  {
    // protocol: the close codes, Retry-After and backoff of @prompt-service/protocol (a dev dependency, bundled, so
    // that the SDK installs and loads nothing more), importable on their own as before.
    entry: ["src/index.ts", "src/protocol.ts"],
    // Each entry whole: protocol.ts is small, and shared chunks would be files for the package to explain.
    splitting: false,
    format: ["esm", "cjs"],
    // The protocol's declarations are inlined too, read from its sources through the root tsconfig's paths (relative to
    // the repository root, where tsup would take them from this package): the published SDK does not depend on
    // @prompt-service/protocol.
    dts: { compilerOptions: { baseUrl: "../.." } },
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
  },
  // Browsers and other runtimes: the standard fetch and WebSocket, nothing of Node's.
  {
    entry: { browser: "src/browser.ts" },
    format: ["esm"],
    dts: true,
    target: "es2022",
    platform: "browser",
    sourcemap: true,
  },
]);
