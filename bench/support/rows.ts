/** Helpers for the rows of the report's table, for section modules that format their own rows. */
import type { BenchRow } from "../index.js";

export const verdict = (meets: boolean): BenchRow["verdict"] => (meets ? "meets" : "misses");

/** A number as people read it: thousands separated, at most `digits` decimals. */
export const n = (value: number, digits = 0): string =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits });

/** `+3.2` or `-1`: a signed difference. */
export const signed = (value: number, digits = 1): string => `${value >= 0 ? "+" : ""}${n(value, digits)}`;
