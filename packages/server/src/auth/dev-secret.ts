import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Development only: a random JWT secret made once and kept in the data directory, so that tokens survive
 * restarts without any setup. Two instances starting together agree on one secret: the secret is written whole
 * to a temporary file and then linked into place, which fails atomically for the loser, who reads the winner's.
 */
export async function loadOrCreateDevSecret(dataDir: string): Promise<{ secret: string; created: boolean }> {
  const path = join(dataDir, "jwt-secret");
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(temporary, secret, { mode: 0o600 });
  try {
    await link(temporary, path);
    return { secret, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { secret: (await readFile(path, "utf8")).trim(), created: false };
  } finally {
    await unlink(temporary);
  }
}
