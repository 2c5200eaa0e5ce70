import { homedir } from "node:os";
import { join } from "node:path";

/** `$XDG_CONFIG_HOME/prompt-service`, by default `~/.config/prompt-service`. */
export function configDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".config");
  return join(base, "prompt-service");
}
