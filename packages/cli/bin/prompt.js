#!/usr/bin/env node
// The `prompt` command. A committed file rather than the build itself, so that npm links it even when it installs a
// clone before anything is built (`npm ci` then builds every package: the root's `prepare`).
import { existsSync } from "node:fs";

const built = new URL("../dist/bin.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write(
    "prompt: the CLI is not built yet: run `npm run build` in the repository, then try again\n",
  );
  process.exitCode = 1;
}
