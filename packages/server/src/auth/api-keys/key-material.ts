import { createHash, randomBytes } from "node:crypto";

/**
 * The fixed start of every key, so that secret scanners (GitHub's, gitleaks, trufflehog) can be taught to find a
 * leaked one, and so that the server tells a key from a JWT without trying to parse it.
 */
const API_KEY_PREFIX = "ps_";

/** 32 random bytes: 256 bits, past the 192 the issue asks for, written as 64 hex digits. */
const RANDOM_BYTES = 32;
const KEY_PATTERN = /^ps_[0-9a-f]{64}$/;

/** How much of a key is shown back to its owner to tell keys apart: the prefix and 9 hex digits (36 bits). */
const SHOWN_LENGTH = 12;

interface NewKeyMaterial {
  /** The key, shown to its owner once. */
  key: string;
  prefix: string;
  hash: Buffer;
}

export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** Whether a token that starts like a key has a key's shape; a malformed one is refused without a lookup. */
export function isWellFormedKey(token: string): boolean {
  return KEY_PATTERN.test(token);
}

/**
 * SHA-256, not a slow password hash: a key is 256 random bits, which no dictionary holds, so the only way to find
 * a key from its hash is the brute force that the key's size rules out; and a fast hash lets every request find
 * its key by an indexed equality.
 */
export function hashKey(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

export function newKeyMaterial(): NewKeyMaterial {
  const key = API_KEY_PREFIX + randomBytes(RANDOM_BYTES).toString("hex");
  return { key, prefix: key.slice(0, SHOWN_LENGTH), hash: hashKey(key) };
}
