/** Below this, a secret is guessable: a random hex string of 32 characters has about 120 bits. */
const MIN_SECRET_ENTROPY_BITS = 100;
const MIN_SECRET_DISTINCT_CHARACTERS = 12;

/**
 * A secret an attacker could guess: few distinct characters ("aaaa…", "password123password123…"), or little
 * randomness by the Shannon estimate of its character frequencies. A rough estimate, meant to catch a copied
 * placeholder or a damaged file, not to rate a real random secret.
 */
export function looksGuessable(secret: string): boolean {
  const counts = new Map<string, number>();
  for (const character of secret) counts.set(character, (counts.get(character) ?? 0) + 1);
  const length = [...secret].length;
  let bitsPerCharacter = 0;
  for (const count of counts.values()) bitsPerCharacter -= (count / length) * Math.log2(count / length);
  return counts.size < MIN_SECRET_DISTINCT_CHARACTERS || bitsPerCharacter * length < MIN_SECRET_ENTROPY_BITS;
}
