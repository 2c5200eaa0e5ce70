import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

beforeAll(() => {
  execFileSync(
    process.execPath,
    [createRequire(import.meta.url).resolve("tsup/dist/cli-default.js"), "--silent"],
    {
      cwd: packageDir,
      stdio: "pipe",
    },
  );
}, 120_000);

describe("the published package", () => {
  it("contains the builds, their types, the README and the LICENSE, and nothing else", () => {
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: packageDir,
        encoding: "utf8",
      }),
    ) as Array<{ files: Array<{ path: string }> }>;
    const files = packed?.files.map((file) => file.path) ?? [];
    expect(files).toEqual(
      expect.arrayContaining([
        "dist/index.js",
        "dist/index.cjs",
        "dist/index.d.ts",
        "dist/index.d.cts",
        "dist/browser.js",
        "dist/browser.d.ts",
        "dist/protocol.js",
        "dist/protocol.cjs",
        "dist/protocol.d.ts",
        "README.md",
        "LICENSE",
        "package.json",
      ]),
    );
    expect(
      files.filter(
        (file) => !/^(dist\/(index|browser|protocol)\.[\w.]+|README\.md|LICENSE|package\.json)$/.test(file),
      ),
    ).toEqual([]);
  });

  it("loads with require() and with import, exporting the same API", async () => {
    const commonJs = createRequire(import.meta.url)(dist("index.cjs")) as Record<string, unknown>;
    const esm = (await import(pathToFileURL(dist("index.js")).href)) as Record<string, unknown>;
    expect(Object.keys(commonJs).sort()).toEqual(Object.keys(esm).sort());
    expect(Object.keys(esm)).toEqual(expect.arrayContaining(["PromptClient", "RateLimitError", "VERSION"]));
    const manifest = JSON.parse(readFileSync(`${packageDir}/package.json`, "utf8")) as { version: string };
    expect(esm.VERSION).toBe(manifest.version);
  });

  it("gives browsers a build of their own, with the same API and nothing of Node's", async () => {
    const manifest = JSON.parse(readFileSync(`${packageDir}/package.json`, "utf8")) as {
      exports: Record<string, { node?: unknown; default?: { default: string } }>;
    };
    expect(manifest.exports["."]?.default?.default).toBe("./dist/browser.js");
    const browser = readFileSync(dist("browser.js"), "utf8");
    const imports = [...browser.matchAll(/^import .* from ["']([^"']+)["']/gm)].map((match) => match[1]);
    // Only what a browser bundler resolves too: no Node built-in, no undici, no ws.
    expect(imports).toEqual(["eventsource-parser/stream"]);
    const esm = (await import(pathToFileURL(dist("index.js")).href)) as Record<string, unknown>;
    const browserExports = [...browser.matchAll(/^export \{([^}]*)\}/gm)]
      .flatMap((match) => (match[1] as string).split(","))
      .map(
        (name) =>
          name
            .trim()
            .split(/\s+as\s+/)
            .at(-1) as string,
      )
      .filter(Boolean);
    expect(browserExports.sort()).toEqual(Object.keys(esm).sort());
  });

  it("declares its types without the server, typebox or ws: only its own dependency undici", () => {
    const declarations = readFileSync(dist("index.d.ts"), "utf8");
    const imported = [...declarations.matchAll(/from ["']([^"']+)["']/g)].map((match) => match[1]);
    expect(new Set(imported)).toEqual(new Set(["undici"]));
  });
});
