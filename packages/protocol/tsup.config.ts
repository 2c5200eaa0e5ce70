import { defineConfig } from "tsup";

// `npm start` and the Docker image build with --no-dts: it must not clean away the declarations a full build made.
export default defineConfig((options) => ({
  // Two entries: the codes, Retry-After and backoff (no dependency, for any client and browsers), and the TypeBox
  // schemas (which load typebox), so that a client that needs only the first never loads the second.
  entry: { index: "src/index.ts", schemas: "src/schemas/index.ts" },
  // Each entry whole: both are small, and shared chunks would be files for the package to explain.
  splitting: false,
  format: ["esm", "cjs"],
  dts: true,
  target: "es2022",
  platform: "neutral",
  sourcemap: true,
  clean: options.dts !== false,
}));
