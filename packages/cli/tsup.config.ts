import { defineConfig } from "tsup";

export default defineConfig({
  // bin.ts keeps its shebang and is made executable; ink and the server are split into chunks that only
  // `prompt watch` on a terminal and `prompt serve` load.
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
});
