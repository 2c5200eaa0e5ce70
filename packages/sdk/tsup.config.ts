import { defineConfig } from "tsup";

export default defineConfig([
  // Node: undici and ws stay external dependencies, loaded only here.
  {
    // protocol: what the server shares with its clients (close codes, Retry-After), importable on its own.
    entry: ["src/index.ts", "src/protocol.ts"],
    // Each entry whole: protocol.ts is small, and shared chunks would be files for the package to explain.
    splitting: false,
    format: ["esm", "cjs"],
    dts: true,
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
