/**
 * `npm run test:system` runs this first: it installs, without saving, the packages that only the system tests use
 * (package.json's "systemTestDependencies", at the versions pinned there) when they are not installed yet.
 *
 * They are left out of `npm ci` so that a developer's install for `npm test` stays small: @huggingface/transformers
 * brings the ONNX runtime (about 430 MB), and the third-party OpenAPI tools (Spectral, Redocly, Prism) about 150 MB.
 * `npm ci` removes them again, as it removes everything the lockfile does not name.
 */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

async function installedVersion(name: string): Promise<string | undefined> {
  const manifest = await readFile(join(root, "node_modules", name, "package.json"), "utf8").catch(
    () => undefined,
  );
  return manifest === undefined ? undefined : (JSON.parse(manifest) as { version: string }).version;
}

const { systemTestDependencies } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
  systemTestDependencies: Record<string, string>;
};
const missing: string[] = [];
for (const [name, version] of Object.entries(systemTestDependencies)) {
  if ((await installedVersion(name)) !== version) missing.push(`${name}@${version}`);
}
if (missing.length > 0) {
  console.log(`system tests: installing ${missing.join(" ")} (npm install --no-save)`);
  // Install scripts stay under package.json's allowScripts, as for npm ci (onnxruntime-node's would download).
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", ...missing], {
    cwd: root,
    stdio: "inherit",
  });
}
