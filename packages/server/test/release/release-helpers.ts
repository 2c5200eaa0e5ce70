import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws for a non-zero exit (the caller asserts on `code`). */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: error && code === 1 && !stderr ? error.message : stderr });
      },
    );
  });
}

export const describeResult = (result: CommandResult) =>
  `exit ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

/**
 * A copy of the repository in `target` to build and pack the packages in: the root manifest and TypeScript
 * configuration, every workspace without its `dist`, and links to the installed `node_modules`. Building here
 * rather than in the checkout leaves alone the `dist` folders that other tests, `npm start` and developers use
 * at the same time (tsup empties `dist` before it writes).
 */
export async function mirrorRepository(target: string): Promise<void> {
  await mkdir(join(target, "packages"), { recursive: true });
  for (const file of ["package.json", "tsconfig.json", "tsconfig.base.json"]) {
    await cp(join(repoRoot, file), join(target, file));
  }
  // Every installed package by link, except the workspaces' own: those must be the copies, so that building the
  // CLI reads the types of the SDK built here, not of a checkout where the SDK may not be built.
  await mkdir(join(target, "node_modules", "@prompt-service"), { recursive: true });
  for (const entry of await readdir(join(repoRoot, "node_modules"))) {
    if (entry === "@prompt-service") continue;
    await symlink(join(repoRoot, "node_modules", entry), join(target, "node_modules", entry));
  }
  for (const entry of await readdir(join(repoRoot, "packages"), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const name = JSON.parse(
      await readFile(join(repoRoot, "packages", entry.name, "package.json"), "utf8"),
    ).name;
    await symlink(join(target, "packages", entry.name), join(target, "node_modules", name), "dir");
    const source = join(repoRoot, "packages", entry.name);
    const copy = join(target, "packages", entry.name);
    await cp(source, copy, {
      recursive: true,
      filter: (path) => path !== join(source, "node_modules") && path !== join(source, "dist"),
    });
    if (existsSync(join(source, "node_modules"))) {
      await symlink(join(source, "node_modules"), join(copy, "node_modules"), "dir");
    }
  }
}

export interface PackedFile {
  path: string;
}

export interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: PackedFile[];
}

/** `npm pack --json` (with `--dry-run` or into `destination`). */
export async function npmPack(packageDir: string, destination?: string): Promise<PackResult> {
  const args = ["pack", "--json", "--ignore-scripts"];
  args.push(...(destination ? ["--pack-destination", destination] : ["--dry-run"]));
  const result = await run("npm", args, { cwd: packageDir, timeoutMs: 120_000 });
  if (result.code !== 0)
    throw new Error(`npm ${args.join(" ")} failed in ${packageDir}: ${describeResult(result)}`);
  const [packed] = JSON.parse(result.stdout) as PackResult[];
  if (!packed) throw new Error(`npm pack printed no result: ${result.stdout}`);
  return packed;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

/** The "types"/"import"/"require"/"default" leaves of an `exports` map, with the conditions that lead to each. */
export function exportTargets(
  exportsField: unknown,
  conditions: string[] = [],
): Array<{ conditions: string[]; target: string }> {
  if (typeof exportsField === "string") return [{ conditions, target: exportsField }];
  if (exportsField === null || typeof exportsField !== "object") return [];
  return Object.entries(exportsField).flatMap(([key, value]) => exportTargets(value, [...conditions, key]));
}
