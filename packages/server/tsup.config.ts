import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { defineConfig } from "tsup";
import { writeEmbeddedTemplate } from "./src/storage/embedded.js";

/** ReDoc's browser bundle and its licence notice, served at /redoc/redoc.standalone.js (see observability/redoc.ts). */
async function copyRedocBundle(): Promise<void> {
  const bundle = createRequire(import.meta.url).resolve("redoc/bundles/redoc.standalone.js");
  await mkdir("dist/redoc", { recursive: true });
  await copyFile(bundle, "dist/redoc/redoc.standalone.js");
  await copyFile(`${bundle}.LICENSE.txt`, "dist/redoc/redoc.standalone.js.LICENSE.txt");
}

// `npm start` builds with --no-dts: it must not clean away the declarations a full build made before it.
export default defineConfig((options) => [
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    // The CommonJS build gets import.meta.url from its __filename: the sources locate files next to themselves
    // (the embedding worker, ReDoc's bundle, faiss-node, the database template) by import.meta.url alone.
    shims: true,
    dts: true,
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: options.dts !== false,
    // After this build's own clean. The database template is loaded by a new DATA_DIR instead of running initdb
    // (see storage/embedded.ts); a build:js after a full build finds it there already, unless its key changed.
    onSuccess: async () => {
      await Promise.all([copyRedocBundle(), writeEmbeddedTemplate("dist")]);
    },
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
