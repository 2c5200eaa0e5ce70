/**
 * (g) The similarity index as a bounded cache over PostgreSQL: what idle users cost (start-up time and resident memory
 * with thousands of users and up to 100k prompts, against the same server on an empty database), what resident users
 * cost (bytes per resident vector, exact and faiss, measured and as the server estimates them), the first (cold) search
 * of a user against later (warm) ones, and memory after many users search once under a small INDEX_MEMORY_BUDGET.
 * Prompts are written straight into the database with random vectors (see support/seed.ts).
 */
import { createTestSchema } from "@prompt-service/testkit";
import bytes from "bytes";
import { Agent, request } from "undici";
import { migrate } from "../packages/server/src/storage/migrate.js";
import { openPostgres } from "../packages/server/src/storage/postgres.js";
import type { DataDirs } from "./support/data-dirs.js";
import { type SeededPrompt, seedPromptsOf, seedUsers } from "./support/seed.js";
import { MB, p50p99, round } from "./support/stats.js";
import { similarSearch, startTarget, type Target, type TargetConfig } from "./support/target.js";
import { PromptTexts } from "./support/texts.js";

/** Users who search alone before the others come, for the RSS after the first searches. */
const FIRST_SEARCHES = 10;

export interface IndexCacheBenchOptions {
  /** Users with one prompt each. */
  users: number;
  /** Of those, how many search once each under `smallBudget`. */
  searchers: number;
  smallBudget: string;
  /** Users with `largeUserPrompts` each, searched cold and warm. */
  largeUsers: number;
  largeUserPrompts: number;
  /** Searches timed cold and warm. */
  searches: number;
  /** Prompts in all once the last step has spread more over the one-prompt users. */
  totalPrompts: number;
  dataDirs: DataDirs;
}

export interface StartRow {
  prompts: number;
  users: number;
  startupMs: number;
  rssMb: number;
}

export interface ResidentRow {
  vectorIndex: string;
  vectors: number;
  /** RSS growth once the large users are resident, per vector (with its words). */
  measuredBytesPerVector: number;
  /** The server's own estimate (index_resident_bytes), per vector. */
  estimatedBytesPerVector: number;
}

export interface IndexCacheResult {
  starts: StartRow[];
  /** After `searchers` users searched once each under the small budget. */
  searched: {
    users: number;
    foundOwnFirst: number;
    /** After the first FIRST_SEARCHES users searched. */
    afterFirstRssMb: number;
    rssMb: number;
    residentUsers: number;
    residentMb: number;
    evictions: number;
  };
  resident: ResidentRow[];
  coldP50Ms: number;
  coldP99Ms: number;
  warmP50Ms: number;
  warmP99Ms: number;
  smallBudgetMb: number;
  /** Prompts of each user searched cold and warm. */
  largeUserPrompts: number;
}

export async function benchIndexCache(options: IndexCacheBenchOptions): Promise<IndexCacheResult> {
  const schema = await createTestSchema("benchcache");
  const db = await openPostgres({ connectionString: schema.databaseUrl, schema: schema.name, max: 2 });
  const dataDir = await options.dataDirs.empty("index-cache");
  const base: Partial<TargetConfig> & { dataDir: string } = {
    dataDir,
    databaseUrl: schema.databaseUrl,
    schema: schema.name,
    // One search after another, faster than the default 2 a second a user may make.
    searchRateLimits: "1000/s",
  };
  try {
    await migrate(db);
    const starts: StartRow[] = [];
    let prompts = 0;
    let users = 0;
    const startIdle = async () => {
      const target = await startTarget(base);
      try {
        starts.push({ prompts, users, startupMs: Math.round(target.startupMs), rssMb: await rssMb(target) });
      } finally {
        await target.stop();
      }
    };

    await startIdle();
    const userIds = await seedUsers(db, options.users);
    const own = await seedPromptsOf(db, userIds, 1);
    prompts += own.length;
    users += userIds.length;
    await startIdle();

    const searched = await searchOnceEach(base, own.slice(0, options.searchers), options.smallBudget);

    const largeIds = await seedUsers(db, options.largeUsers);
    await seedPromptsOf(
      db,
      largeIds.flatMap((id) => Array(options.largeUserPrompts).fill(id)),
      2,
    );
    prompts += options.largeUsers * options.largeUserPrompts;
    users += largeIds.length;
    await startIdle();

    const timing = await coldAndWarm(base, largeIds, options.searches);
    const resident = [
      await residentCost(base, largeIds, "exact", options.largeUserPrompts),
      await residentCost(base, largeIds, "faiss", options.largeUserPrompts),
    ];

    const more = Math.max(0, options.totalPrompts - prompts);
    await seedPromptsOf(
      db,
      Array.from({ length: more }, (_, i) => userIds[i % userIds.length] as number),
      3,
    );
    prompts += more;
    await startIdle();

    return {
      starts,
      searched,
      resident,
      ...timing,
      largeUserPrompts: options.largeUserPrompts,
      smallBudgetMb: round((bytes.parse(options.smallBudget) ?? Number.NaN) / MB, 1),
    };
  } finally {
    await db.close();
    await schema.drop();
  }
}

/** Each of these users searches for their own prompt's text once, under `budget`; counts who found it first. */
async function searchOnceEach(
  base: Partial<TargetConfig> & { dataDir: string },
  prompts: readonly SeededPrompt[],
  budget: string,
): Promise<IndexCacheResult["searched"]> {
  const target = await startTarget({
    ...base,
    indexMemoryBudget: budget,
    tokenUserIds: prompts.map((prompt) => prompt.userId),
  });
  const agent = new Agent({ connections: 8 });
  try {
    let foundOwnFirst = 0;
    const tokens = new Map(target.users.map((user) => [user.id, user.token]));
    const queue = [...prompts];
    // The first few alone, to tell what any first searches cost (the model's working memory in its threads, code
    // compiled on first use) from what each further user adds.
    for (const prompt of queue.splice(0, FIRST_SEARCHES)) {
      const ids = await similarSearch(target, agent, tokens.get(prompt.userId) as string, prompt.text, 1);
      if (ids[0] === prompt.id) foundOwnFirst++;
    }
    const afterFirstRssMb = await rssMb(target);
    // Then a few at a time, as users would come.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let prompt = queue.shift(); prompt; prompt = queue.shift()) {
          const ids = await similarSearch(target, agent, tokens.get(prompt.userId) as string, prompt.text, 1);
          if (ids[0] === prompt.id) foundOwnFirst++;
        }
      }),
    );
    const metrics = await scrape(target, agent);
    return {
      users: prompts.length,
      foundOwnFirst,
      afterFirstRssMb,
      rssMb: await rssMb(target),
      residentUsers: metrics.index_resident_users ?? Number.NaN,
      residentMb: round((metrics.index_resident_bytes ?? Number.NaN) / MB, 1),
      evictions: metrics.index_evictions_total ?? Number.NaN,
    };
  } finally {
    await agent.close();
    await target.stop();
  }
}

/**
 * Cold: a budget of one byte keeps only the user being searched, and the searches go round the large users, so each
 * one loads its user from the database. Warm: the default budget and one user, loaded by an untimed first search.
 */
async function coldAndWarm(
  base: Partial<TargetConfig> & { dataDir: string },
  largeIds: readonly number[],
  searches: number,
) {
  const queries = new PromptTexts(31, "q");
  const timed = async (budget: string | undefined, userFor: (index: number) => number) => {
    const target = await startTarget({
      ...base,
      ...(budget ? { indexMemoryBudget: budget } : {}),
      tokenUserIds: [...largeIds],
    });
    const agent = new Agent();
    try {
      const tokens = new Map(target.users.map((user) => [user.id, user.token]));
      const latencies: number[] = [];
      // Untimed: JIT warm-up, and the warm user's first load.
      for (const text of queries.take(3))
        await similarSearch(target, agent, tokens.get(userFor(-1)) as string, text, 5);
      for (let index = 0; index < searches; index++) {
        const started = performance.now();
        await similarSearch(target, agent, tokens.get(userFor(index)) as string, queries.next(), 5);
        latencies.push(performance.now() - started);
      }
      return p50p99(latencies);
    } finally {
      await agent.close();
      await target.stop();
    }
  };
  const cold = await timed("1", (index) => largeIds[(index + largeIds.length) % largeIds.length] as number);
  const warm = await timed(undefined, () => largeIds[0] as number);
  return { coldP50Ms: cold.p50, coldP99Ms: cold.p99, warmP50Ms: warm.p50, warmP99Ms: warm.p99 };
}

/** RSS growth per vector once every large user is resident, and the server's own estimate. */
async function residentCost(
  base: Partial<TargetConfig> & { dataDir: string },
  largeIds: readonly number[],
  vectorIndex: "exact" | "faiss",
  promptsPerUser: number,
): Promise<ResidentRow> {
  const target = await startTarget({ ...base, vectorIndex, tokenUserIds: [...largeIds] });
  const agent = new Agent();
  try {
    // One search of another user first, so that what the first search allocates anyway is in the baseline.
    const [first, ...rest] = target.users;
    await similarSearch(target, agent, first?.token as string, "warm up", 5);
    const before = await rssBytes(target);
    const estimateBefore = (await scrape(target, agent)).index_resident_bytes ?? 0;
    for (const user of rest) await similarSearch(target, agent, user.token, "load this user", 5);
    const after = await rssBytes(target);
    const estimateAfter = (await scrape(target, agent)).index_resident_bytes ?? 0;
    const vectors = rest.length * promptsPerUser;
    return {
      vectorIndex: target.vectorIndex,
      vectors,
      measuredBytesPerVector: Math.round((after - before) / vectors),
      estimatedBytesPerVector: Math.round((estimateAfter - estimateBefore) / vectors),
    };
  } finally {
    await agent.close();
    await target.stop();
  }
}

/** The unlabelled samples of /metrics, by name. */
async function scrape(target: Target, agent: Agent): Promise<Record<string, number>> {
  const response = await request(`${target.url}/metrics`, { dispatcher: agent });
  const text = await response.body.text();
  return Object.fromEntries(
    [...text.matchAll(/^([a-z_]+) ([0-9.e+-]+)$/gm)].map((match) => [match[1], Number(match[2])]),
  );
}

async function rssBytes(target: Target): Promise<number> {
  return (await target.memory(true)).rss;
}

async function rssMb(target: Target): Promise<number> {
  return round((await rssBytes(target)) / MB, 1);
}
