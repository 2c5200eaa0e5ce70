import { join } from "node:path";
import { openEmbedded } from "../../packages/server/src/storage/embedded.js";
import { migrate } from "../../packages/server/src/storage/migrate.js";
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

/**
 * Stores `count` prompts of one user straight into the embedded database of `dataDir` (no server may have it open),
 * with random unit vectors: search cost does not depend on what the vectors mean, and embedding 100k texts would
 * take a quarter of an hour. Creates the user when `userId` is undefined; returns its id.
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
    let userId = options.userId;
    if (userId === undefined) {
      const username = `seeded${Date.now().toString(36)}`;
      const { rows } = await db.query<{ id: number }>(
        "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, '-') RETURNING id",
        [username, `${username}@example.com`],
      );
      userId = Number(rows[0]?.id);
    }
    const random = seededRandom(options.seed);
    const texts = new PromptTexts(options.seed, "s");
    for (let start = 0; start < options.count; start += ROWS_PER_INSERT) {
      const values: string[] = [];
      const parameters: unknown[] = [];
      for (let row = start; row < Math.min(options.count, start + ROWS_PER_INSERT); row++) {
        const text = texts.next();
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
      await db.query(
        `INSERT INTO prompts (user_id, prompt, response, model, embedding, embedding_model) VALUES ${values.join(", ")}`,
        parameters,
      );
    }
    return userId;
  } finally {
    await db.close();
  }
}
