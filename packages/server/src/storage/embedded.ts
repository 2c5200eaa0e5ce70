import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lockDataDir } from "./data-dir-lock.js";
import { migrate } from "./migrate.js";
import { MIGRATIONS, type Migration } from "./migrations/index.js";
import { type SqlDatabase, type SqlExecutor, withoutData } from "./sql.js";

const executor = (db: PGlite | Transaction): SqlExecutor => ({
  query: async <Row>(text: string, params?: unknown[]) => {
    try {
      const result = await db.query<Row>(text, params);
      return { rows: result.rows };
    } catch (error) {
      throw withoutData(error);
    }
  },
  exec: async (script) => {
    await db.exec(script).catch((error: unknown) => Promise.reject(withoutData(error)));
  },
});

function sqlDatabase(db: PGlite, release: () => Promise<void> = async () => {}): SqlDatabase {
  return {
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    async close() {
      await db.close();
      await release();
    },
  };
}

/**
 * PostgreSQL's shared buffers (128 MB by default) are allocated and zeroed at start in PGlite's WebAssembly memory,
 * so an idle embedded server held all of them whatever its data: 135–141 MB of RSS (BENCHMARKS.md, idle memory).
 * 16 MB holds the hot pages of one server's history; other pages are read from the files, which the OS caches.
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

/**
 * PostgreSQL compiled to WebAssembly, in-process, persisted in `directory` (or in memory when it is undefined):
 * the zero-setup default. One process at a time may open a directory: a second is refused (DataDirInUseError).
 * A new database is loaded from the template of this server's key in `templates` (by default the folder of the
 * server's bundles) when there is one, and made by PGlite's initdb otherwise.
 */
export async function openEmbedded(
  directory: string | undefined,
  options: { templates?: string } = {},
): Promise<SqlDatabase> {
  let release = async () => {};
  if (directory) {
    await mkdir(directory, { recursive: true });
    release = await lockDataDir(directory);
  }
  let db: PGlite;
  try {
    const isNew = directory === undefined || !(await exists(join(directory, "PG_VERSION")));
    const templates = options.templates ?? dirname(fileURLToPath(import.meta.url));
    const template = join(templates, templateName());
    if (isNew && directory && (await exists(template))) {
      // Loaded by a PGlite in a process of its own, then opened here as an existing directory is.
      await loadTemplateInChildProcess(directory, template);
      db = await PGlite.create(directory, { startParams: START_PARAMS });
    } else {
      const loadDataDir = isNew ? await readEmbeddedTemplate(template) : undefined;
      db = await PGlite.create(directory ?? "memory://", {
        startParams: START_PARAMS,
        ...(loadDataDir ? { loadDataDir } : {}),
      });
    }
  } catch (error) {
    await release();
    throw error;
  }
  return sqlDatabase(db, release);
}

/**
 * A new DATA_DIR from the template, by a PGlite in a short-lived Node process that loads it and closes. Done in the
 * server's own process, the PGlite that loaded the template, once closed (it keeps the template for as long as it is
 * open), left its WebAssembly memory (128 MB reserved, 30 MB resident) and the unpacked files to the garbage
 * collector, which may not collect them for minutes: an idle server on an empty DATA_DIR measured 192–283 MB
 * against 169–189 MB restarted (BENCHMARKS.md, idle memory). A worker thread would not do: glibc keeps an ended
 * thread's arena. Arguments: PGlite's module, the directory, the template, the start parameters.
 */
const LOAD_TEMPLATE = `
const [pglite, directory, template, startParams] = process.argv.slice(1);
const { readFileSync } = require("node:fs");
const { gunzipSync } = require("node:zlib");
import(pglite).then(async ({ PGlite }) => {
  const loadDataDir = new Blob([gunzipSync(readFileSync(template))]);
  const db = await PGlite.create(directory, { startParams: JSON.parse(startParams), loadDataDir });
  await db.close();
}).catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exitCode = 1;
});
`;

async function loadTemplateInChildProcess(directory: string, template: string): Promise<void> {
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")).href;
  const args = ["--input-type=commonjs", "-e", LOAD_TEMPLATE, pglite, directory, template];
  await promisify(execFile)(process.execPath, [...args, JSON.stringify(START_PARAMS)], {
    // Node's own options only: not the loaders (tsx) or inspector of this process.
    env: { ...process.env, NODE_OPTIONS: "" },
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(
      `loading the database template into ${directory} failed: ${error.stderr || error.message}`,
    );
  });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/*
 * The template of a new embedded database: an empty database made by PGlite's initdb and brought to the latest
 * migration, saved as a tarball (PGlite's dumpDataDir). The server's build writes one next to its bundles (dist/),
 * which the package ships, and a new DATA_DIR loads it instead of running initdb, which takes seconds; the testkit
 * makes one the same way for the servers that tests run from source.
 *
 * Its file name carries a key of everything that decides its bytes: PGlite's version (its data format) and every
 * migration. A server reads only the template of its own key, so one written by another PGlite or before a migration
 * was added is never loaded: that server runs initdb and the migrations as without a template, and the next build
 * writes the template again.
 */
const TEMPLATE_PREFIX = "pgdata-template-";
const TEMPLATE_SUFFIX = ".tar.gz";

function pgliteVersion(): string {
  // PGlite does not export its package.json: it is found from the entry point, in the package's dist/.
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  return (createRequire(entry)("../package.json") as { version: string }).version;
}

let templateKey: string | undefined;

/**
 * Changes with PGlite's version and with any migration's version, name or SQL; by default, those of this server.
 */
export function embeddedTemplateKey(made?: { pglite: string; migrations: readonly Migration[] }): string {
  const key = (of: object) => createHash("sha256").update(JSON.stringify(of)).digest("hex").slice(0, 16);
  if (made) return key(made);
  templateKey ??= key({ pglite: pgliteVersion(), migrations: MIGRATIONS });
  return templateKey;
}

/** The bundles' folder holds a template of this name in the built package; the sources' folder holds none. */
const templateName = () => `${TEMPLATE_PREFIX}${embeddedTemplateKey()}${TEMPLATE_SUFFIX}`;

/**
 * Writes the template of this server's key into `directory` unless it is there already, removes templates of other
 * keys, and returns its path. Written aside and renamed into place, so that processes building it at once (test
 * files in parallel) each read a whole file.
 */
export async function writeEmbeddedTemplate(directory: string): Promise<string> {
  const path = join(directory, templateName());
  if (await exists(path)) return path;
  const db = await PGlite.create("memory://");
  let tarball: Blob;
  try {
    await migrate(sqlDatabase(db));
    // Uncompressed from PGlite, then compressed by Node's zlib, which is several times faster than PGlite's gzip.
    tarball = await db.dumpDataDir("none");
  } finally {
    await db.close();
  }
  await mkdir(directory, { recursive: true });
  const draft = `${path}.${process.pid}.tmp`;
  await writeFile(draft, await promisify(gzip)(new Uint8Array(await tarball.arrayBuffer())));
  await rename(draft, path);
  const stale = (await readdir(directory)).filter(
    (name) =>
      name.startsWith(TEMPLATE_PREFIX) && name.endsWith(TEMPLATE_SUFFIX) && join(directory, name) !== path,
  );
  await Promise.all(stale.map((name) => rm(join(directory, name), { force: true })));
  return path;
}

/** The template at `path` as PGlite's loadDataDir takes it; undefined when there is no such file. */
async function readEmbeddedTemplate(path: string): Promise<Blob | undefined> {
  const compressed = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  return compressed && new Blob([new Uint8Array(await promisify(gunzip)(compressed))]);
}
