/**
 * The chaos run's own PostgreSQL database (on the machine's server, reached through a TCP proxy that the run cuts) and
 * its own Redis server (a redis-server process on a port of its own, which the run stops and starts): nobody else's
 * tests on the shared services are disturbed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startTcpProxy, type TcpProxy } from "../../packages/testkit/src/tcp-proxy.js";
import { sleep } from "../support/stats.js";

/** A TCP port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ChaosDatabase {
  /** The database through the proxy: what the instances use. */
  url: string;
  /** The database directly: what the run checks the results with. */
  directUrl: string;
  proxy: TcpProxy;
  drop(): Promise<void>;
}

/** A database of its own on the PostgreSQL at `serverUrl`, behind a TCP proxy; dropped with everything in it. */
export async function createChaosDatabase(serverUrl: string): Promise<ChaosDatabase> {
  const name = `chaos_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const direct = new URL(serverUrl);
  direct.pathname = `/${name}`;
  const proxy = await startTcpProxy(direct.toString(), 5432);
  return {
    url: proxy.url,
    directUrl: direct.toString(),
    proxy,
    async drop() {
      await proxy.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A redis-server of the run's own, without persistence, that can be stopped and started again on its port. */
export class ChaosRedis {
  #process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<ChaosRedis> {
    const redis = new ChaosRedis(await freePort(), await mkdtemp(join(tmpdir(), "chaos-redis-")));
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        this.dir,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#process = child;
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output = (output + chunk).slice(-4_000);
    });
    const deadline = Date.now() + 10_000;
    while (!output.includes("Ready to accept connections")) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`redis-server did not start:\n${output}`);
      await sleep(20);
    }
  }

  /** Stops it as a crash would: no goodbye to its clients. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
