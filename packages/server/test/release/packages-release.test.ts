/**
 * What npm users get: each public package is built (`npm run build -w <package>`), packed, checked for what it
 * contains and declares, then the tarballs are installed together into an empty project, where `prompt --help`,
 * the SDK (import and require), the server's `prompt-service` command and TypeScript consumers are run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CommandResult,
  describeResult,
  exportTargets,
  mirrorRepository,
  npmPack,
  type PackResult,
  readJson,
  repoRoot,
  run,
  writeFiles,
} from "./release-helpers.js";

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  type?: string;
  engines?: { node?: string };
  main?: string;
  module?: string;
  types?: string;
  exports?: unknown;
  bin?: string | Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

// In the order of the root package.json's workspaces, which `npm run build` follows: the server's and the SDK's
// builds read the protocol's, and the CLI's the SDK's.
const PUBLIC_PACKAGES = [
  // The wire contract, a dependency of the server (the SDK bundles it): its tarball is installed with the others.
  { dir: "protocol", name: "@prompt-service/protocol", bins: [] },
  { dir: "server", name: "@prompt-service/server", bins: ["prompt-service"] },
  { dir: "sdk", name: "@prompt-service/sdk", bins: [] },
  { dir: "cli", name: "@prompt-service/cli", bins: ["prompt"] },
] as const;
type PublicPackage = (typeof PUBLIC_PACKAGES)[number];

/** The `prompt` commands of DESIGN.md. */
const CLI_COMMANDS = [
  "register",
  "login",
  "logout",
  "whoami",
  "submit",
  "search",
  "history",
  "watch",
  "serve",
];

interface Prepared {
  manifest: Manifest;
  build: CommandResult;
  dryRun?: PackResult;
  tarball?: string;
  /** Why the package could not be built or packed. */
  problem?: string;
}

const rootManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as Manifest & {
  workspaces: string[];
};

let work: string;
let mirror: string;
let project: string;
const prepared = new Map<string, Prepared>();
let install: CommandResult | undefined;

/** Fails with a message that says what is missing, instead of skipping. */
function preparedOrFail(pkg: PublicPackage): Prepared & { dryRun: PackResult; tarball: string } {
  const state = prepared.get(pkg.dir);
  if (!state) {
    throw new Error(
      `packages/${pkg.dir} has no package.json: ${pkg.name} must exist (with a build script) to be released`,
    );
  }
  if (state.problem || !state.dryRun || !state.tarball) {
    throw new Error(`${pkg.name} could not be built and packed: ${state.problem}`);
  }
  return state as Prepared & { dryRun: PackResult; tarball: string };
}

function installedOrFail(): void {
  if (!install) throw new Error("the tarballs were not installed (see the errors above)");
  if (install.code !== 0) throw new Error(`npm install of the tarballs failed: ${describeResult(install)}`);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "prompt-release-"));
  mirror = join(work, "repo");
  await mirrorRepository(mirror);
  const tarballs = join(work, "tarballs");
  await mkdir(tarballs);

  for (const pkg of PUBLIC_PACKAGES) {
    const packageDir = join(mirror, "packages", pkg.dir);
    if (!existsSync(join(packageDir, "package.json"))) continue;
    const manifest = await readJson<Manifest>(join(packageDir, "package.json"));
    // The package's own build script, through the workspace, as the release does it.
    const build = await run("npm", ["run", "build", "-w", pkg.name], { cwd: mirror, timeoutMs: 300_000 });
    const state: Prepared = { manifest, build };
    prepared.set(pkg.dir, state);
    if (build.code !== 0) {
      state.problem = `npm run build -w ${pkg.name} failed: ${describeResult(build)}`;
      continue;
    }
    try {
      state.dryRun = await npmPack(packageDir);
      state.tarball = join(tarballs, (await npmPack(packageDir, tarballs)).filename);
    } catch (error) {
      state.problem = (error as Error).message;
    }
  }

  // An empty project that installs every tarball at once, so that the CLI's dependencies on the SDK and the server
  // are met by these tarballs and not by the registry. The root's install-script policy comes along (npm 11).
  project = join(work, "project");
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify(
      { name: "release-check", version: "0.0.0", private: true, allowScripts: rootManifest.allowScripts },
      null,
      2,
    ),
  );
  const packed = [...prepared.values()].flatMap((state) => (state.tarball ? [state.tarball] : []));
  if (packed.length > 0) {
    install = await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...packed],
      { cwd: project, timeoutMs: 600_000 },
    );
  }
}, 1_200_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(PUBLIC_PACKAGES)("$name", (pkg) => {
  it("builds with `npm run build` and packs", () => {
    preparedOrFail(pkg);
  });

  it("packs its build, its types, README.md and LICENSE, and nothing else", () => {
    const { dryRun, manifest } = preparedOrFail(pkg);
    const files = dryRun.files.map((file) => file.path).sort();
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE"]));
    // CHANGELOG.md appears once changesets has versioned the package; bin/ holds the commands' launchers.
    const others = files.filter(
      (file) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+|bin\/[\w.-]+\.js)$/.test(file),
    );
    expect(others, "files outside the build, README and LICENSE").toEqual([]);
    const dist = files.filter((file) => file.startsWith("dist/"));
    expect(dist.filter((file) => file.endsWith(".d.ts") || file.endsWith(".d.cts")).length).toBeGreaterThan(
      0,
    );
    expect(dist.filter((file) => /\.(c|m)?js$/.test(file)).length).toBeGreaterThan(0);
    const unwanted = dist.filter(
      (file) =>
        /\.(test|spec)\.|\.tsbuildinfo$|^dist\/(test|src)\//.test(file) ||
        (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)),
    );
    expect(unwanted, "tests, sources or build caches in dist").toEqual([]);
    // Every file the manifest points at is in the package.
    const pointed = [
      manifest.main,
      manifest.module,
      manifest.types,
      ...exportTargets(manifest.exports).map((entry) => entry.target),
      ...(typeof manifest.bin === "string" ? [manifest.bin] : Object.values(manifest.bin ?? {})),
    ].filter((target): target is string => target !== undefined && !target.endsWith("/package.json"));
    for (const target of pointed)
      expect(files, `${target} is declared but not packed`).toContain(target.replace(/^\.\//, ""));
  });

  it("declares its license, engines, module type, exports and bin", () => {
    const { manifest, dryRun } = preparedOrFail(pkg);
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.private).not.toBe(true);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(manifest.license).toBe("MIT");
    expect(manifest.type).toBe("module");
    expect(manifest.engines?.node, "engines.node, the same as the repository's").toBe(
      rootManifest.engines?.node,
    );
    expect(manifest.files).toContain("dist");

    // exports: a "." entry; "types" first wherever it appears (TypeScript takes the first condition that matches);
    // a `require` branch needs CommonJS declarations (.d.cts), since .d.ts files of a "type": "module" package are
    // ES module declarations.
    const targets = exportTargets(manifest.exports);
    expect(targets.some((entry) => entry.conditions[0] === ".")).toBe(true);
    const checkOrder = (node: unknown): void => {
      if (node === null || typeof node !== "object") return;
      const keys = Object.keys(node);
      if (keys.includes("types"))
        expect(keys[0], `"types" must come first in ${JSON.stringify(node)}`).toBe("types");
      for (const value of Object.values(node)) checkOrder(value);
    };
    checkOrder(manifest.exports);
    for (const { conditions, target } of targets) {
      if (conditions.includes("require") && conditions.at(-1) === "types")
        expect(target).toMatch(/\.d\.cts$/);
      if (conditions.includes("require") && conditions.at(-1) !== "types") expect(target).toMatch(/\.c?js$/);
      if (!conditions.includes("require") && conditions.at(-1) === "types")
        expect(target).toMatch(/\.d\.(m)?ts$/);
    }
    // A "require" leaf without types of its own must not fall back to ES module declarations.
    for (const [subpath, entry] of Object.entries((manifest.exports ?? {}) as Record<string, unknown>)) {
      if (entry === null || typeof entry !== "object" || !("require" in entry)) continue;
      const typesFirst =
        Object.keys(entry)[0] === "types" ? (entry as Record<string, unknown>).types : undefined;
      expect(
        typeof typesFirst === "string" && typesFirst.endsWith(".d.ts") && !typesFirst.endsWith(".d.cts"),
        `exports["${subpath}"] gives require() the ES module declarations ${String(typesFirst)}: nest "types" ` +
          `under "import" (.d.ts) and "require" (.d.cts), as @prompt-service/sdk does`,
      ).toBe(false);
    }

    // bin: the commands the package promises, each a packed file that starts with a node shebang.
    const bins =
      typeof manifest.bin === "string"
        ? { [manifest.name.split("/").pop() as string]: manifest.bin }
        : (manifest.bin ?? {});
    expect(Object.keys(bins).sort()).toEqual([...pkg.bins].sort());
    const packageDir = join(work, "repo", "packages", pkg.dir);
    for (const target of Object.values(bins)) {
      expect(dryRun.files.map((file) => file.path)).toContain(target.replace(/^\.\//, ""));
      expect(readFileSync(join(packageDir, target), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
    }

    // Dependencies that a registry install can resolve: no workspace, file or link specifiers.
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      expect(range, `${name}@${range}`).not.toMatch(/^(workspace:|file:|link:|\*$)/);
    }
  });

  it("has a changeset that releases it", async () => {
    const changesets = (await readdir(join(repoRoot, ".changeset"))).filter((file) => file.endsWith(".md"));
    const released = await Promise.all(
      changesets.map(async (file) => {
        const front = /^---\n([\s\S]*?)\n---/.exec(
          await readFile(join(repoRoot, ".changeset", file), "utf8"),
        );
        return [
          ...(front?.[1] ?? "").matchAll(/^["']?(@[\w-]+\/[\w-]+)["']?\s*:\s*(major|minor|patch)\s*$/gm),
        ].map((match) => match[1]);
      }),
    );
    expect(released.flat(), `no .changeset/*.md names ${pkg.name}`).toContain(pkg.name);
  });
});

describe("the tarballs installed into an empty project", () => {
  it("resolve the packages to each other, not to the registry", async () => {
    installedOrFail();
    for (const pkg of PUBLIC_PACKAGES) {
      const state = prepared.get(pkg.dir);
      if (!state?.tarball) continue;
      const installed = await readJson<Manifest>(join(project, "node_modules", pkg.name, "package.json"));
      expect(installed.version).toBe(state.manifest.version);
    }
    // A nested copy would mean that npm fetched another version of one of them from the registry.
    for (const pkg of PUBLIC_PACKAGES) {
      for (const other of PUBLIC_PACKAGES) {
        expect(existsSync(join(project, "node_modules", pkg.name, "node_modules", other.name))).toBe(false);
      }
    }
  });

  it("run `prompt --help`", async () => {
    preparedOrFail(PUBLIC_PACKAGES[3]);
    installedOrFail();
    const help = await run("npx", ["--no", "--", "prompt", "--help"], { cwd: project, timeoutMs: 60_000 });
    expect(help.code, describeResult(help)).toBe(0);
    expect(help.stdout).toMatch(/Usage: prompt\b/);
    for (const command of CLI_COMMANDS) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
  });

  it("import and require the SDK", async () => {
    preparedOrFail(PUBLIC_PACKAGES[2]);
    installedOrFail();
    const esm = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const sdk = await import("@prompt-service/sdk");
         console.log(JSON.stringify({ client: typeof sdk.PromptClient, error: typeof sdk.RateLimitError, version: sdk.VERSION }));`,
      ],
      { cwd: project },
    );
    expect(esm.code, describeResult(esm)).toBe(0);
    const version = prepared.get("sdk")?.manifest.version;
    expect(JSON.parse(esm.stdout)).toEqual({ client: "function", error: "function", version });
    const cjs = await run(
      process.execPath,
      ["-e", `console.log(typeof require("@prompt-service/sdk").PromptClient)`],
      {
        cwd: project,
      },
    );
    expect(cjs.code, describeResult(cjs)).toBe(0);
    expect(cjs.stdout.trim()).toBe("function");
  });

  it("run the server's `prompt-service` command, and the installed SDK talks to it", async () => {
    preparedOrFail(PUBLIC_PACKAGES[1]);
    preparedOrFail(PUBLIC_PACKAGES[2]);
    installedOrFail();
    const dataDir = join(work, "data");
    const server = spawn(join(project, "node_modules", ".bin", "prompt-service"), [], {
      cwd: project,
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: dataDir,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await listening(server);
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
      // ReDoc's bundle ships inside the build: the redoc package and its React are not installed with the server.
      expect(existsSync(join(project, "node_modules", "redoc"))).toBe(false);
      const redoc = await fetch(`${url}/redoc/redoc.standalone.js`);
      expect(redoc.status).toBe(200);
      expect((await redoc.text()).length).toBeGreaterThan(500_000);
      await writeFiles(project, {
        "use-sdk.mjs": `
import { PromptClient } from "@prompt-service/sdk";
const client = new PromptClient({ baseUrl: process.argv[2] });
await client.auth.register({ username: "release", email: "release@example.com", password: "secret123" });
await client.auth.login({ username: "release", password: "secret123" });
const created = await client.prompts.create({ prompt: "hola mundo" });
const similar = await client.prompts.similar("hola", { k: 1 });
console.log(JSON.stringify({ response: created.response, found: similar.results.map((result) => result.id) }));
`,
      });
      const used = await run(process.execPath, ["use-sdk.mjs", url], { cwd: project, timeoutMs: 60_000 });
      expect(used.code, describeResult(used)).toBe(0);
      const result = JSON.parse(used.stdout) as { response: string; found: number[] };
      expect(result.response).toBe("[mocked-llm_response] hola mundo");
      expect(result.found).toHaveLength(1);
    } finally {
      server.kill("SIGTERM");
    }
  }, 120_000);

  it("import and require the server's plugin", async () => {
    preparedOrFail(PUBLIC_PACKAGES[1]);
    installedOrFail();
    const check = `const names = ["promptService", "createServer", "loadConfig", "ERROR_CODES"];`;
    const esm = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `${check} const server = await import("@prompt-service/server"); console.log(names.map((n) => typeof server[n]).join());`,
      ],
      { cwd: project },
    );
    expect(esm.code, describeResult(esm)).toBe(0);
    expect(esm.stdout.trim()).toBe("function,function,function,object");
    const cjs = await run(
      process.execPath,
      [
        "-e",
        `${check} const server = require("@prompt-service/server"); console.log(names.map((n) => typeof server[n]).join());`,
      ],
      { cwd: project },
    );
    expect(cjs.code, describeResult(cjs)).toBe(0);
    expect(cjs.stdout.trim()).toBe("function,function,function,object");
  });

  it("type-check for TypeScript consumers, from ES modules and from CommonJS", async () => {
    preparedOrFail(PUBLIC_PACKAGES[1]);
    preparedOrFail(PUBLIC_PACKAGES[2]);
    installedOrFail();
    const notAny = "type IsAny<T> = 0 extends 1 & T ? true : false;";
    await writeFiles(project, {
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["consumer.mts", "consumer.cts"],
      }),
      "consumer.mts": `${notAny}
import { PromptClient, RateLimitError } from "@prompt-service/sdk";
import { createServer, promptService } from "@prompt-service/server";
export const client = new PromptClient({ baseUrl: "http://127.0.0.1:8000" });
export const typed: [IsAny<typeof PromptClient>, IsAny<typeof RateLimitError>, IsAny<typeof promptService>, IsAny<typeof createServer>] = [false, false, false, false];
`,
      "consumer.cts": `${notAny}
import sdk = require("@prompt-service/sdk");
import server = require("@prompt-service/server");
export const typed: [IsAny<typeof sdk.PromptClient>, IsAny<typeof server.promptService>] = [false, false];
`,
    });
    const tsc = await run(
      process.execPath,
      [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
      {
        cwd: project,
        timeoutMs: 120_000,
      },
    );
    expect(tsc.code, describeResult(tsc)).toBe(0);
  }, 120_000);
});

/** Resolves with the server's address once it logs "Server listening at …". */
function listening(child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`prompt-service did not start:\n${output}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk;
      const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`prompt-service exited with ${code}:\n${output}`));
    });
  });
}

/** The commands of a package README's install route: its shell block that packs the package, comments dropped. */
function documentedInstall(pkg: PublicPackage): string[][] {
  const readme = readFileSync(join(repoRoot, "packages", pkg.dir, "README.md"), "utf8");
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((match) => match[1] as string)
    .find((text) => /^npm pack -w /m.test(text));
  if (!block) throw new Error(`packages/${pkg.dir}/README.md shows no \`npm pack -w\` route to install it`);
  return block
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "")
    .map((line) => line.split(/\s+/));
}

// Until the packages are published, each README's install route is `npm pack` in a clone and `npm install` of the
// tarballs: run here as written, the clone's path standing in for /path/to/clone and a global install kept in a
// folder of its own.
describe.each(PUBLIC_PACKAGES)("$name's README install route, run as written", (pkg) => {
  it("packs in the clone, installs the tarballs, and the package works", async () => {
    preparedOrFail(pkg);
    const [pack, install, ...others] = documentedInstall(pkg);
    expect(others, "commands after the install").toEqual([]);
    expect(pack?.slice(0, 3)).toEqual(["npm", "pack", "-w"]);
    expect(install?.slice(0, 2)).toEqual(["npm", "install"]);
    const packed = await run("npm", pack?.slice(1) ?? [], { cwd: mirror });
    expect(packed.code, describeResult(packed)).toBe(0);

    const user = await mkdtemp(join(work, `user-${pkg.dir}-`));
    await writeFile(join(user, "package.json"), JSON.stringify({ name: "user-project", private: true }));
    const args = (install?.slice(2) ?? []).map((arg) => arg.replace(/^\/path\/to\/clone\//, `${mirror}/`));
    const prefix = join(user, "global");
    const installed = await run(
      "npm",
      [
        "install",
        ...args,
        ...(args.includes("--global") ? ["--prefix", prefix] : []),
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
      ],
      { cwd: user, timeoutMs: 600_000 },
    );
    expect(installed.code, describeResult(installed)).toBe(0);

    if (pkg.dir === "cli") {
      const help = await run(join(prefix, "bin", "prompt"), ["--help"], { cwd: user, timeoutMs: 60_000 });
      expect(help.code, describeResult(help)).toBe(0);
      expect(help.stdout).toMatch(/Usage: prompt\b/);
    } else {
      const loaded = await run(
        process.execPath,
        ["--input-type=module", "-e", `await import("${pkg.name}")`],
        { cwd: user, timeoutMs: 60_000 },
      );
      expect(loaded.code, describeResult(loaded)).toBe(0);
    }
  }, 900_000);
});
