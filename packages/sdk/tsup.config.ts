import { defineConfig } from "tsup";

// @prompt-service/protocol's declarations are inlined as its code is (a dev dependency, bundled): read from its
// sources through the root tsconfig's paths, which are relative to the repository root (tsup would take them from
// this package's folder), so that neither the published SDK nor its build needs the protocol's own build.
const dts = { compilerOptions: { baseUrl: "../.." } };

export default defineConfig([
  // Node: undici and ws stay external dependencies, loaded only here.
  {
    // protocol: the close codes, Retry-After and backoff of @prompt-service/protocol (a dev dependency, bundled, so
    // that the SDK installs and loads nothing more), importable on their own as before.
    entry: ["src/index.ts", "src/protocol.ts"],
    // Each entry whole: protocol.ts is small, and shared chunks would be files for the package to explain.
    splitting: false,
    format: ["esm", "cjs"],
    dts,
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
  },
  // Browsers and other runtimes: the standard fetch and WebSocket, nothing of Node's.
  {
    entry: { browser: "src/browser.ts" },
    format: ["esm"],
    dts,
    target: "es2022",
    platform: "browser",
    sourcemap: true,
  },
]);
