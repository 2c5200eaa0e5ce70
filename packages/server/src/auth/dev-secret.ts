import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { looksGuessable } from "../settings/secret-strength.js";

/** What this module writes: 48 random bytes in base64url. */
const DEV_SECRET = /^[A-Za-z0-9_-]{64}$/;
const isDevSecret = (text: string) => DEV_SECRET.test(text) && !looksGuessable(text);

/**
 * Development only: a random JWT secret made once and kept in the data directory, so that tokens survive
 * restarts without any setup. Two instances starting together agree on one secret: the secret is written whole
 * to a temporary file and then linked into place, which fails atomically for the loser, who reads the winner's.
 * A file that is not such a secret (emptied, truncated, edited by hand) is replaced by a new one, which logs
 * everybody out of this development server: a weak key must not sign tokens.
 */
export async function loadOrCreateDevSecret(dataDir: string): Promise<{ secret: string; created: boolean }> {
  const path = join(dataDir, "jwt-secret");
  await mkdir(dataDir, { recursive: true });
  const existing = (await readFile(path, "utf8").catch(() => undefined))?.trim();
  if (existing !== undefined && !isDevSecret(existing)) await rm(path, { force: true });
  const secret = randomBytes(48).toString("base64url");
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(temporary, secret, { mode: 0o600 });
  try {
    await link(temporary, path);
    return { secret, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const secret = (await readFile(path, "utf8")).trim();
    if (!isDevSecret(secret)) throw new Error(`${path} does not hold a development secret; delete it`);
    return { secret, created: false };
  } finally {
    await unlink(temporary);
  }
}
