/**
 * Faults under load (issue 26 §2): two instances of the standalone server on one PostgreSQL database and one Redis,
 * all started here; users post, search and hold sockets while four faults come in turn (kill -9 of an instance and
 * its restart; Redis stopped and started; PostgreSQL cut off by a TCP proxy; an instance frozen with SIGSTOP); then
 * the database is checked for every acknowledged prompt, and the goals are put beside the figures.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { TokenService } from "../../packages/server/src/auth/tokens.js";
import { openStorage } from "../../packages/server/src/storage/index.js";
import { TEST_DATABASE_URL } from "../../packages/testkit/src/services.js";
import { sleep } from "../support/stats.js";
import { ChaosRecorder, ChaosUser } from "./clients.js";
import { type ChaosRow, chaosTable, type Fault, type MemoryFigure, type Verification } from "./goals.js";
import { ChaosInstance } from "./instances.js";
import { ChaosRedis, createChaosDatabase, freePort } from "./services.js";

export interface ChaosOptions {
  users: number;
  warmupSeconds: number;
  /** How long each fault lasts. */
  faultSeconds: number;
  /** Quiet time after each fault, for recovery. */
  gapSeconds: number;
  /** Each user's pace: within the default throttle of 1/s and 10/min for posts, 2/s and 60/min for searches. */
  postEveryMs: number;
  searchEveryMs: number;
  log: (line: string) => void;
}

export const FULL_RUN: Omit<ChaosOptions, "log"> = {
  users: 50,
  warmupSeconds: 30,
  faultSeconds: 10,
  gapSeconds: 25,
  postEveryMs: 7_000,
  searchEveryMs: 5_000,
};

/** The short form the system tests run: the same faults and goals, fewer users, shorter phases. */
export const SHORT_RUN: Omit<ChaosOptions, "log"> = {
  users: 10,
  warmupSeconds: 10,
  faultSeconds: 4,
  gapSeconds: 10,
  postEveryMs: 7_000,
  searchEveryMs: 5_000,
};

export interface ChaosReport {
  rows: ChaosRow[];
  faults: Fault[];
  seconds: number;
}

const JWT_SECRET = "chaos-secret-that-is-long-enough-for-hs256-0123456789";
/** How long the run waits, after the load stops, for the backlog of vectors to drain. */
const VECTORS_WAIT_MS = 180_000;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const started = performance.now();
  const database = await createChaosDatabase(TEST_DATABASE_URL);
  const redis = await ChaosRedis.start();
  const dataDirs: string[] = [];
  const instances: ChaosInstance[] = [];
  try {
    // Schema and users are made directly: registration and login throttles are not what this run is about.
    const storage = await openStorage({ databaseUrl: database.directUrl });
    const tokens = new TokenService(JWT_SECRET, { access: 3_600, refresh: 3_600 });
    const userTokens: string[] = [];
    for (let index = 0; index < options.users; index++) {
      const user = await storage.users.create({
        username: `chaos${index}`,
        email: `chaos${index}@example.com`,
        passwordHash: "-",
      });
      userTokens.push((await tokens.issue("access", user.id)).token);
    }
    await storage.close();

    for (const name of ["instance A", "instance B"]) {
      const dataDir = await mkdtemp(join(tmpdir(), "chaos-instance-"));
      dataDirs.push(dataDir);
      instances.push(
        new ChaosInstance(name, await freePort(), {
          DATA_DIR: dataDir,
          DATABASE_URL: database.url,
          REDIS_URL: redis.url,
          JWT_SECRET,
          LOG_LEVEL: "warn",
          EMBEDDING_THREADS: "1",
        }),
      );
    }
    const [first, second] = instances as [ChaosInstance, ChaosInstance];
    log("chaos: starting two instances…");
    await Promise.all(instances.map((instance) => instance.start()));

    const recorder = new ChaosRecorder();
    const users = userTokens.map(
      (token, index) =>
        new ChaosUser({
          index,
          token,
          urls: instances.map((instance) => instance.url),
          recorder,
          postEveryMs: options.postEveryMs,
          searchEveryMs: options.searchEveryMs,
        }),
    );
    log(`chaos: ${options.users} users posting, searching and holding a socket…`);
    const running = Promise.all(users.map((user) => user.run()));
    await sleep(options.warmupSeconds * 1000);
    const warm = new Map<ChaosInstance, number>([[first, await first.rssBytes()]]);

    const faults: Fault[] = [];
    const inject = async (
      name: string,
      begin: () => Promise<void> | void,
      end: () => Promise<void> | void,
    ) => {
      log(`chaos: ${name}…`);
      const fault: Fault = { name, start: recorder.now(), end: Number.NaN };
      await begin();
      await sleep(options.faultSeconds * 1000);
      await end();
      fault.end = recorder.now();
      faults.push(fault);
      await sleep(options.gapSeconds * 1000);
    };
    await inject(
      "kill -9 of instance B, then its restart",
      () => second.kill(),
      () => second.start(),
    );
    // The restarted instance has warmed up by now.
    warm.set(second, await second.rssBytes());
    await inject(
      "Redis stopped, then started",
      () => redis.stop(),
      () => redis.start(),
    );
    await inject(
      "PostgreSQL cut off (TCP proxy), then back",
      () => database.proxy.cut(),
      () => database.proxy.restore(),
    );
    await inject(
      "instance A frozen (SIGSTOP), then SIGCONT",
      () => first.freeze(),
      () => first.thaw(),
    );

    log("chaos: stopping the load…");
    for (const user of users) user.stop();
    await running;
    const memory: MemoryFigure[] = [];
    for (const [instance, warmBytes] of warm) {
      memory.push({
        instance: instance.name,
        warmBytes,
        endBytes: await instance.rssBytes(),
        crashes: instance.crashes,
      });
    }
    log("chaos: checking the database…");
    const verification = await verify(
      database.directUrl,
      recorder.acknowledged.map((ack) => ack.id),
    );
    const rows = chaosTable(recorder, faults, verification, memory);
    return { rows, faults, seconds: Math.round((performance.now() - started) / 1000) };
  } catch (error) {
    for (const instance of instances)
      log(`--- ${instance.name} output ---\n${instance.output().slice(-5_000)}`);
    throw error;
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.close();
    await database.drop();
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Every acknowledged prompt in the database with its vector (waiting for the backlog to drain), and duplicates. */
async function verify(databaseUrl: string, acknowledged: readonly number[]): Promise<Verification> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = [...new Set(acknowledged)];
    const deadline = Date.now() + VECTORS_WAIT_MS;
    let found: Array<{ id: string; embedded: boolean }> = [];
    for (;;) {
      ({ rows: found } = await client.query<{ id: string; embedded: boolean }>(
        "SELECT id, embedding IS NOT NULL AS embedded FROM prompts WHERE id = ANY($1::bigint[])",
        [ids],
      ));
      if (found.every((row) => row.embedded) || Date.now() > deadline) break;
      await sleep(1_000);
    }
    const withoutVector = found.filter((row) => !row.embedded).length;
    const { rows } = await client.query<{ extra: string | null }>(
      "SELECT sum(copies - 1) AS extra FROM (SELECT count(*) AS copies FROM prompts GROUP BY prompt) AS texts",
    );
    return {
      lost: ids.length - found.length + withoutVector,
      withoutVector,
      duplicates: Number(rows[0]?.extra ?? 0),
    };
  } finally {
    await client.end();
  }
}
