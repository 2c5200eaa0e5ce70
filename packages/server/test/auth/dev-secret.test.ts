import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadOrCreateDevSecret } from "../../src/auth/dev-secret.js";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "dev-secret-"));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

it("makes a secret once and reads the same one at the next start", async () => {
  const first = await loadOrCreateDevSecret(dataDir);
  const second = await loadOrCreateDevSecret(dataDir);
  expect(first.created).toBe(true);
  expect(second).toEqual({ secret: first.secret, created: false });
  expect(first.secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
});

it.each(["", "short", "x".repeat(64), `${"a".repeat(63)}!`])(
  "replaces a secret file holding %j, which must never sign tokens",
  async (content) => {
    await writeFile(join(dataDir, "jwt-secret"), content);
    const loaded = await loadOrCreateDevSecret(dataDir);
    expect(loaded.created).toBe(true);
    expect(loaded.secret).not.toBe(content);
    expect((await readFile(join(dataDir, "jwt-secret"), "utf8")).trim()).toBe(loaded.secret);
  },
);
