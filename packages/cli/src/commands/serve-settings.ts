import type { Setting } from "@prompt-service/server";
import type { Command } from "commander";

/** `DATABASE_URL` → `--database-url`. */
const flagOf = (env: string): string => `--${env.toLowerCase().replaceAll("_", "-")}`;

/** `--database-url` → `DATABASE_URL`. */
const envOf = (flag: string): string => flag.slice(2).toUpperCase().replaceAll("-", "_");

const shownDefault = (setting: Setting): string | undefined =>
  setting.shownDefault ?? (typeof setting.default === "function" ? undefined : String(setting.default));

/**
 * Gives `command` the flags of `prompt serve`, one per server setting: the environment variable of `npm start` in
 * kebab case (`--database-url` sets DATABASE_URL). Secrets are left out: a flag would show them to every user of the
 * machine in the process list, so they come from the environment only.
 */
export function addSettingFlags(command: Command, settings: readonly Setting[]): Command {
  for (const setting of settings) {
    if (setting.secret) continue;
    const fallback = shownDefault(setting);
    const description = `${setting.description}${fallback === undefined ? "" : ` (default: ${fallback})`}`;
    command.option(`${flagOf(setting.env)} <${setting.placeholder}>`, `${description} [${setting.env}]`);
  }
  return command;
}

/** The environment of the server: the caller's, with the flags given to `flags` on top (a flag wins). */
export function serverEnvironment(
  env: Record<string, string | undefined>,
  flags: Command,
): Record<string, string | undefined> {
  const given = flags.options.flatMap((option) => {
    const value: unknown = flags.getOptionValue(option.attributeName());
    return option.long && typeof value === "string" ? [[envOf(option.long), value] as const] : [];
  });
  return { ...env, ...Object.fromEntries(given) };
}
