/** An environment variable, where there is an environment (not in browsers); empty counts as unset. */
export function readEnv(name: string): string | undefined {
  const value = typeof process === "undefined" ? undefined : process.env?.[name];
  return value?.trim() ? value.trim() : undefined;
}
