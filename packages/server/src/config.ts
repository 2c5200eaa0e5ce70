import envSchema from "env-schema";
import { Type } from "typebox";
import { ConfigError } from "./errors.js";
import type { ValueKind } from "./settings/kinds.js";
import { SETTINGS, type Setting } from "./settings/table.js";

/** `DATA_DIR` → `dataDir`. */
type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<Name>;

type AnySetting = (typeof SETTINGS)[number];
type OptionName<S extends AnySetting> = S extends { option: infer Name extends string }
  ? Name
  : CamelCase<S["env"]>;
type InputOf<S extends AnySetting> = S["kind"] extends ValueKind<infer Input, unknown> ? Input : never;
type ResolvedOf<S extends AnySetting> =
  // biome-ignore lint/suspicious/noExplicitAny: only the resolved type is read
  S["kind"] extends ValueKind<any, infer Resolved>
    ? S extends { default: unknown }
      ? Resolved
      : Resolved | undefined
    : never;
type PluginSetting = Exclude<AnySetting, { standalone: true }>;
type StandaloneSetting = Extract<AnySetting, { standalone: true }>;

/**
 * Options of the plugin: one per setting of SETTINGS (settings/table.ts, where each is described), named as its
 * environment variable in camel case (`DATA_DIR` → `dataDir`).
 */
export type PromptServiceOptions = { [S in PluginSetting as OptionName<S>]?: InputOf<S> };

/** Options with defaults applied and checked: durations in milliseconds, sizes in bytes, throttles as rules. */
export type ResolvedOptions = { [S in PluginSetting as OptionName<S>]: ResolvedOf<S> };

/** Everything the standalone server needs: where to listen, how to log, and the plugin's options. */
type StandaloneConfig = { [S in StandaloneSetting as OptionName<S>]: ResolvedOf<S> } & {
  options: PromptServiceOptions;
};

const optionName = (setting: Setting): string =>
  setting.option ??
  setting.env.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** A setting's value as the server uses it; unset (or empty, as shells and compose files write it) takes the default. */
function resolveSetting(setting: Setting, value: unknown): unknown {
  const given = value === "" ? undefined : value;
  const input = given ?? (typeof setting.default === "function" ? setting.default() : setting.default);
  return input === undefined ? undefined : setting.kind.resolve(input, setting.env);
}

const resolveAll = (settings: readonly Setting[], values: Record<string, unknown>) =>
  Object.fromEntries(
    settings.map((setting) => [optionName(setting), resolveSetting(setting, values[optionName(setting)])]),
  );

const PLUGIN_SETTINGS: readonly Setting[] = SETTINGS.filter((setting) => !("standalone" in setting));
const STANDALONE_SETTINGS: readonly Setting[] = SETTINGS.filter((setting) => "standalone" in setting);

/**
 * Applies the defaults and checks every option, then the rules that span settings (the rows' checks); a bad one
 * throws a ConfigError naming its environment variable.
 */
export function resolveOptions(options: PromptServiceOptions = {}): ResolvedOptions {
  const resolved = resolveAll(PLUGIN_SETTINGS, options) as ResolvedOptions;
  // Over the table itself, not PLUGIN_SETTINGS, so that each row's check is typed against the resolved options.
  for (const setting of SETTINGS) if ("check" in setting) setting.check(resolved);
  return resolved;
}

/** Resolves one setting on its own (its default when `value` is undefined): for createServer's listening defaults. */
export function resolveStandaloneSetting<Env extends StandaloneSetting["env"]>(
  env: Env,
  value?: InputOf<Extract<StandaloneSetting, { env: Env }>>,
): ResolvedOf<Extract<StandaloneSetting, { env: Env }>> {
  const setting = STANDALONE_SETTINGS.find((candidate) => candidate.env === env) as Setting;
  return resolveSetting(setting, value) as ResolvedOf<Extract<StandaloneSetting, { env: Env }>>;
}

/** The environment's schema: each variable typed by its kind, so that env-schema turns digits into numbers. */
const ENVIRONMENT_SCHEMA = Type.Object(
  Object.fromEntries(SETTINGS.map((setting: Setting) => [setting.env, Type.Optional(setting.kind.schema)])),
);

/**
 * Reads and checks the environment (`env` alone: the process's own is not merged in). Throws a ConfigError naming
 * the variable, so that a bad value stops the server at start rather than at the first request that needs it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  // Empty strings mean "unset" in shells and compose files (`OPENAI_API_KEY=`).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  let parsed: Record<string, unknown>;
  try {
    parsed = envSchema({ schema: ENVIRONMENT_SCHEMA, data: present, env: false, dotenv: false });
  } catch (error) {
    throw environmentError(error);
  }
  const options = givenOptions(PLUGIN_SETTINGS, parsed) as PromptServiceOptions;
  resolveOptions(options);
  const standalone = resolveAll(STANDALONE_SETTINGS, givenOptions(STANDALONE_SETTINGS, parsed));
  return { ...(standalone as Omit<StandaloneConfig, "options">), options };
}

/** The settings the environment gives, under their options' names and in the options' form. */
function givenOptions(
  settings: readonly Setting[],
  environment: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    settings.flatMap((setting) => {
      const value = environment[setting.env];
      if (value === undefined) return [];
      const { fromEnvironment } = setting.kind;
      return [[optionName(setting), fromEnvironment ? fromEnvironment(value as string) : value]];
    }),
  );
}

/** Turns env-schema's Ajv error ("env/PORT must be integer") into one that names the variable. */
function environmentError(error: unknown): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  const match = /env\/(\w+) (.*)/.exec(message);
  if (match?.[1]) return new ConfigError(match[1], match[2] ?? "is invalid");
  return new ConfigError("environment", message);
}
