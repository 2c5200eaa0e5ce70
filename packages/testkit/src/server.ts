import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createEmbedder,
  createServer,
  type Embedder,
  openStorage,
  resolveOptions,
  type ServerOptions,
  type Storage,
} from "@prompt-service/server";
import type { FastifyInstance } from "fastify";
import { seedEmbeddedDataDir } from "./embedded-template.js";
import { createTestSchema, type TestSchema } from "./services.js";

/** A fixed secret so tests can mint their own tokens (expired, forged…) against the server. */
export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

const UNTHROTTLED = "100000/s";

export interface TestServer {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> once listening. */
  url: string;
  storage: Storage;
  dataDir: string;
  close(): Promise<void>;
}

export interface StartServerOptions extends ServerOptions {
  /**
   * "embedded" (PGlite in a temporary DATA_DIR, the default), "postgres" (a fresh schema of the test database,
   * dropped on close), or a schema made with createTestSchema that several servers share (the caller drops it).
   */
  database?: "embedded" | "postgres" | TestSchema;
  /** Listen on a real port (default) or only build the app for `inject`. */
  listen?: boolean;
}

/**
 * The model of the servers started in one process (a test file's, or the files vitest runs one after another in one
 * worker), with the server's default settings but for the idle timeout, loaded at the first and shared: each server
 * loading its own cost about 1.2 s of CPU, a third of a server's start. It lives as long as the process (its worker
 * threads keep no process alive).
 */
let sharedModel: Promise<Embedder> | undefined;
function defaultModel(): Promise<Embedder> {
  if (!sharedModel) {
    const defaults = resolveOptions({ jwtSecret: TEST_JWT_SECRET });
    sharedModel = createEmbedder(defaults.embeddings, {
      threads: defaults.embeddingThreads,
      maxThreads: defaults.embeddingMaxThreads,
      // No idle timeout: a file's tests keep the model loaded between them rather than load it again after a pause
      // (the pool's own tests cover the timeout).
    });
  }
  return sharedModel;
}

/** Options that choose a model of their own: the server then loads it, and closes it. */
const MODEL_OPTIONS = [
  "embedder",
  "embeddings",
  "embeddingThreads",
  "embeddingMaxThreads",
  "embeddingIdleTimeout",
] as const;

/** A real server with real storage, on a real port, for any package's tests. */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const { database = "embedded", listen = true, ...serverOptions } = options;
  const ownModel = MODEL_OPTIONS.some((option) => serverOptions[option] !== undefined);
  const dataDir = serverOptions.dataDir ?? (await mkdtemp(join(tmpdir(), "prompt-service-test-")));
  let schema: TestSchema | undefined;
  let storage = serverOptions.storage;
  if (!storage) {
    if (database === "postgres") schema = await createTestSchema();
    const shared = typeof database === "object" ? database : schema;
    if (!shared) await seedEmbeddedDataDir(dataDir);
    storage = await openStorage({
      databaseUrl: shared?.databaseUrl,
      ...(shared ? { schema: shared.name } : {}),
      dataDir,
    });
  }
  const app = await createServer({
    logLevel: false,
    jwtSecret: TEST_JWT_SECRET,
    // Tests of other behaviours create prompts and log in faster than a person would; the throttle's own tests
    // set the real limits.
    promptRateLimits: UNTHROTTLED,
    searchRateLimits: UNTHROTTLED,
    registerRateLimits: UNTHROTTLED,
    refreshRateLimits: UNTHROTTLED,
    loginRateLimits: UNTHROTTLED,
    loginAddressRateLimits: UNTHROTTLED,
    ...(ownModel ? {} : { embedder: await defaultModel() }),
    ...serverOptions,
    dataDir,
    storage,
  });
  const url = listen ? await app.listen({ port: 0, host: "127.0.0.1" }) : "http://localhost";
  const ownedStorage = storage;
  return {
    app,
    url,
    storage,
    dataDir,
    async close() {
      await app.close();
      if (!serverOptions.storage) await ownedStorage.close();
      await schema?.drop();
      if (!serverOptions.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
