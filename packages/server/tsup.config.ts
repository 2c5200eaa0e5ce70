import { defineConfig } from "tsup";

// `npm start` builds with --no-dts: it must not clean away the declarations a full build made before it.
export default defineConfig((options) => [
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: options.dts !== false,
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
