import { defineConfig } from "tsup";

export default defineConfig([
  // Node: undici and ws stay external dependencies, loaded only here.
  {
    entry: ["src/index.ts"],
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
