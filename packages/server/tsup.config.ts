import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
  },
  {
    // The embedding worker is its own entry: piscina loads it by file, next to the bundles (see worker-pool.ts).
    entry: {
      standalone: "src/standalone.ts",
      "embedding-worker": "src/similarity/embeddings/embedding-worker.ts",
    },
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: true,
  },
]);
