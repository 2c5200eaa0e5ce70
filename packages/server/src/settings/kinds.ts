import { BlockList, isIP, isIPv6 } from "node:net";
import { resolve as resolvePath } from "node:path";
import bytes from "bytes";
import ms from "ms";
import { type TSchema, Type } from "typebox";
import { ConfigError } from "../errors.js";
import type { TrustProxy } from "../http/connections-per-address.js";
import { parseRateLimits, type RateLimitRule } from "../ratelimit/rules.js";
import type { QueueLimit } from "../similarity/embeddings/fair-scheduler.js";
import { parseEmbeddingsSpec } from "../similarity/embeddings/spec.js";

/**
 * How a setting's value is read and checked. `schema` types the environment variable (env-schema turns digits into
 * numbers by it); `resolve` checks a value, whether it came from the environment or from the plugin's options, and
 * turns it into what the server uses, throwing a ConfigError that names the variable.
 */
export interface ValueKind<Input, Resolved> {
  schema: TSchema;
  resolve(value: Input, variable: string): Resolved;
  /** From the environment's value to the option's, where they differ (NODE_ENV is a word, `production` a flag). */
  fromEnvironment?: (value: string) => Input;
}

const fail = (variable: string, reason: string): never => {
  throw new ConfigError(variable, reason);
};

export const text: ValueKind<string, string> = {
  schema: Type.String(),
  resolve: (value) => value,
};

/** A folder, made absolute against the working directory at start. */
export const path: ValueKind<string, string> = {
  schema: Type.String(),
  resolve: (value) => resolvePath(value),
};

/** A URL whose scheme is one of `schemes`. */
export const url = (...schemes: string[]): ValueKind<string, string> => ({
  schema: Type.String(),
  resolve: (value, variable) =>
    schemes.some((scheme) => value.startsWith(`${scheme}://`))
      ? value
      : fail(variable, `must be a ${schemes.map((scheme) => `${scheme}://`).join(" or ")} URL`),
});

export const integer = ({ min = 1, max = Number.MAX_SAFE_INTEGER } = {}): ValueKind<number, number> => ({
  schema: Type.Integer(),
  resolve: (value, variable) =>
    Number.isInteger(value) && value >= min && value <= max
      ? value
      : fail(
          variable,
          max === Number.MAX_SAFE_INTEGER
            ? `must be an integer of at least ${min}`
            : `must be an integer from ${min} to ${max}`,
        ),
});

/** One of a few words. */
export const oneOf = <const Word extends string>(...words: Word[]): ValueKind<Word, Word> => ({
  schema: Type.String(),
  resolve: (value, variable) =>
    (words as string[]).includes(value)
      ? value
      : fail(variable, `must be ${words.map((word) => `"${word}"`).join(", ")}`),
});

/**
 * Milliseconds of "5m", "1d", "90s" (via `ms`) or a bare number of seconds; NaN for anything else. The durations
 * the settings take, and the API too where it takes one (an API key's `expires_in`).
 */
export function durationMs(value: string | number): number {
  if (typeof value === "number" || /^\d+$/.test(value.trim())) return Number(value) * 1000;
  // `ms` throws on an empty string (and on anything longer than 100 characters) where it returns undefined for
  // other text it does not read.
  const text = value.trim();
  return text === "" || text.length > 100 ? Number.NaN : (ms(text as ms.StringValue) ?? Number.NaN);
}

/**
 * A duration in milliseconds, from "5m", "1d", "90s" (via `ms`) or a bare number of seconds. Zero only where a
 * pause may be none.
 */
export const duration = ({ allowZero = false } = {}): ValueKind<string | number, number> => ({
  schema: Type.String(),
  resolve(value, variable) {
    const milliseconds = durationMs(value);
    const valid = Number.isFinite(milliseconds) && milliseconds >= 0 && (milliseconds > 0 || allowZero);
    return valid
      ? milliseconds
      : fail(variable, `must be a positive duration such as "5m", "1d" or "300" (seconds), got "${value}"`);
  },
});

/** A number of bytes, or a size such as "256MB" or "1.5gb" (b, kb, mb, gb, tb; units of 1024). */
export const size: ValueKind<string | number, number> = {
  schema: Type.String(),
  resolve(value, variable) {
    // bytes.parse reads "1GiB" as 1: only the forms it understands are let through.
    const parsed =
      typeof value === "number" || /^\s*\d+(\.\d+)?\s*(b|kb|mb|gb|tb)?\s*$/i.test(value)
        ? bytes.parse(value)
        : null;
    return parsed !== null && Number.isSafeInteger(parsed) && parsed >= 1
      ? parsed
      : fail(variable, `must be a number of bytes or a size such as "256MB", got "${value}"`);
  },
};

/** A similarity score above 0 and at most 1. */
export const score: ValueKind<number, number> = {
  schema: Type.Number(),
  resolve: (value, variable) =>
    value > 0 && value <= 1 ? value : fail(variable, `must be a score above 0 and at most 1, got ${value}`),
};

/** Throttle windows such as "1/s,10/min". */
export const rateLimits: ValueKind<string, RateLimitRule[]> = {
  schema: Type.String(),
  resolve: (value, variable) => parseRateLimits(value, variable),
};

/** Tokens a user may spend per UTC calendar window. */
export interface TokenBudgetRule {
  limit: number;
  period: "day" | "month";
}

/** "200000/day" or "2000000/month". */
export const tokenBudget: ValueKind<string, TokenBudgetRule> = {
  schema: Type.String(),
  resolve(value, variable) {
    const match = /^\s*(\d+)\s*\/\s*(day|month)\s*$/i.exec(value);
    const limit = Number(match?.[1]);
    return match && Number.isSafeInteger(limit) && limit > 0
      ? { limit, period: (match[2] as string).toLowerCase() as TokenBudgetRule["period"] }
      : fail(variable, `must be a number of tokens per day or month such as "200000/day", got "${value}"`);
  },
};

/** "bundled", "transformers:<model id or path>" or "openai:<model>". */
export const embeddingsSpec: ValueKind<string, string> = {
  schema: Type.String(),
  resolve(value) {
    parseEmbeddingsSpec(value); // its ConfigError names EMBEDDINGS
    return value.trim();
  },
};

/** "<total>" or "<total>,<per user>"; the per-user bound defaults to an eighth of the total, and never exceeds it. */
export const queueLimit: ValueKind<string, QueueLimit> = {
  schema: Type.String(),
  resolve(value, variable) {
    const match = /^\s*(\d+)\s*(?:,\s*(\d+)\s*)?$/.exec(value);
    const total = Number(match?.[1]);
    const perOwner = match?.[2] === undefined ? Math.max(1, Math.floor(total / 8)) : Number(match[2]);
    return match && total >= 1 && perOwner >= 1 && perOwner <= total
      ? { total, perOwner }
      : fail(variable, `must be "<total>" or "<total>,<per user>" with 1 ≤ per user ≤ total, got "${value}"`);
  },
};

/** Origins as browsers send them: scheme, host and port, no path; or "*" alone. Several separated by commas. */
export const origins: ValueKind<string | readonly string[], string[]> = {
  schema: Type.String(),
  resolve(value, variable) {
    const list = (typeof value === "string" ? value.split(",") : [...value])
      .map((origin) => origin.trim())
      .filter(Boolean);
    const bad = list.find((origin) => origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin));
    if (bad !== undefined || (list.includes("*") && list.length > 1)) {
      fail(
        variable,
        `must be origins such as "https://app.example.com" (scheme, host and port, no path) separated by commas, or "*" alone; got "${bad ?? list.join(",")}"`,
      );
    }
    return list;
  },
};

/** NODE_ENV as people write it: "production", "Production" and " PRODUCTION" alike. */
export const isProduction = (nodeEnv: string | undefined): boolean =>
  nodeEnv?.trim().toLowerCase() === "production";

/** NODE_ENV read as "is this production?". */
export const productionFlag: ValueKind<boolean, boolean> = {
  schema: Type.String(),
  resolve: (value) => value,
  fromEnvironment: isProduction,
};

/** Addresses and CIDR ranges ("10.0.0.0/16", "::1"), IPv4-mapped IPv6 peers ("::ffff:10.0.0.2") included. */
function addressList(entries: string[], variable: string): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIPv6(address) ? "ipv6" : "ipv4";
    try {
      if (!isIP(address) || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) throw new Error(entry);
      if (prefix === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(prefix), type);
    } catch {
      fail(
        variable,
        `must be a number of hops ("true" is one), or addresses/CIDR ranges separated by commas; "${entry}" is neither`,
      );
    }
  }
  return list;
}

/**
 * A number of hops (the proxies in front of the server, each appending the address it saw to X-Forwarded-For), or
 * a comma-separated list of proxy addresses or CIDR ranges (the load balancer's subnet). A list trusts only the
 * balancer: a client that reaches the server directly is not in it, so what it writes into X-Forwarded-For is
 * ignored. A number of hops trusts whoever connects, which is right only where nothing but the balancer can.
 * "true" means one hop, the common single balancer: trusting every hop would take the leftmost X-Forwarded-For entry,
 * which the client writes itself, and let anyone pick the address the per-address throttles count. "false": the
 * socket's address.
 */
export const trustProxy: ValueKind<string, TrustProxy> = {
  schema: Type.String(),
  resolve(value, variable) {
    if (value === "false") return undefined;
    const hops = value === "true" ? 1 : /^\d+$/.test(value) ? Number(value) : undefined;
    if (hops !== undefined) return (_address, hop) => hop < hops;
    const proxies = addressList(
      value.split(",").map((entry) => entry.trim()),
      variable,
    );
    return (address) => isIP(address) !== 0 && proxies.check(address, isIPv6(address) ? "ipv6" : "ipv4");
  },
};
