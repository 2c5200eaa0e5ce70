import { join } from "node:path";
import { openEmbedded } from "../../packages/server/src/storage/embedded.js";
import { migrate } from "../../packages/server/src/storage/migrate.js";
import type { SqlExecutor } from "../../packages/server/src/storage/sql.js";
import { vectorToBytes } from "../../packages/server/src/storage/vector-bytes.js";
import {
  randomUnitVector,
  seededRandom,
} from "../../packages/server/test/similarity/vector-index/random-vectors.js";
import { PromptTexts } from "./texts.js";

/** The bundled model's id: seeded vectors are stored as its, so that the server indexes them instead of re-embedding. */
export const BUNDLED_MODEL_ID = "bundled:use-lite";
const DIMENSIONS = 512;
const ROWS_PER_INSERT = 500;

export interface SeededPrompt {
  id: number;
  userId: number;
  text: string;
}

/**
 * Stores `count` prompts of one user straight into the embedded database of `dataDir` (no server may have it open).
 * Creates the user when `userId` is undefined; returns its id.
 */
export async function seedPrompts(options: {
  dataDir: string;
  count: number;
  userId?: number;
  seed: number;
}): Promise<number> {
  const db = await openEmbedded(join(options.dataDir, "pgdata"));
  try {
    await migrate(db);
    const userId = options.userId ?? ((await seedUsers(db, 1))[0] as number);
    await seedPromptsOf(db, Array(options.count).fill(userId), options.seed);
    return userId;
  } finally {
    await db.close();
  }
}

/** Creates `count` users straight in the database (no password anyone can use); returns their ids in order. */
export async function seedUsers(db: SqlExecutor, count: number): Promise<number[]> {
  const tag = `seeded${Date.now().toString(36)}`;
  const ids: number[] = [];
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const names = Array.from(
      { length: Math.min(ROWS_PER_INSERT, count - start) },
      (_, i) => `${tag}u${start + i}`,
    );
    const { rows } = await db.query<{ id: string | number }>(
      `INSERT INTO users (username, email, password_hash)
       SELECT name, name || '@example.com', '-' FROM unnest($1::text[]) WITH ORDINALITY AS t(name, position)
       ORDER BY position RETURNING id`,
      [names],
    );
    ids.push(...rows.map((row) => Number(row.id)));
  }
  return ids;
}

/**
 * Stores one prompt for each entry of `userIds` (repeat an id for several), with random unit vectors: search cost
 * does not depend on what the vectors mean, and embedding 100k texts would take a quarter of an hour.
 */
export async function seedPromptsOf(
  db: SqlExecutor,
  userIds: readonly number[],
  seed: number,
): Promise<SeededPrompt[]> {
  const random = seededRandom(seed);
  const texts = new PromptTexts(seed, "s");
  const seeded: SeededPrompt[] = [];
  for (let start = 0; start < userIds.length; start += ROWS_PER_INSERT) {
    const batch = userIds
      .slice(start, start + ROWS_PER_INSERT)
      .map((userId) => ({ userId, text: texts.next() }));
    const values: string[] = [];
    const parameters: unknown[] = [];
    for (const { userId, text } of batch) {
      const base = parameters.length;
      parameters.push(
        userId,
        text,
        `[mocked-llm_response] ${text}`,
        "mock",
        vectorToBytes(randomUnitVector(DIMENSIONS, random)),
        BUNDLED_MODEL_ID,
      );
      values.push(`(${Array.from({ length: 6 }, (_, column) => `$${base + column + 1}`).join(", ")})`);
    }
    const { rows } = await db.query<{ id: string | number; user_id: string | number; prompt: string }>(
      `INSERT INTO prompts (user_id, prompt, response, model, embedding, embedding_model) VALUES ${values.join(", ")}
       RETURNING id, user_id, prompt`,
      parameters,
    );
    seeded.push(
      ...rows.map((row) => ({ id: Number(row.id), userId: Number(row.user_id), text: row.prompt })),
    );
  }
  return seeded;
}
