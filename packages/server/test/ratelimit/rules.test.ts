import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { parseRateLimits } from "../../src/ratelimit/index.js";

describe("parseRateLimits", () => {
  it("parses the default, shortest window first", () => {
    expect(parseRateLimits("10/min, 1/s", "PROMPT_RATE_LIMITS")).toEqual([
      { limit: 1, windowMs: 1000 },
      { limit: 10, windowMs: 60_000 },
    ]);
  });

  it.each([
    ["1/s", 1, 1000],
    ["1/sec", 1, 1000],
    ["2/second", 2, 1000],
    ["5/10s", 5, 10_000],
    ["5 / 10 seconds", 5, 10_000],
    ["10/m", 10, 60_000],
    ["10/minute", 10, 60_000],
    ["10/5min", 10, 300_000],
    ["100/h", 100, 3_600_000],
    ["100/hour", 100, 3_600_000],
    ["1000/day", 1000, 86_400_000],
    ["1000/D", 1000, 86_400_000],
  ])("reads %s", (spec, limit, windowMs) => {
    expect(parseRateLimits(spec, "X")).toEqual([{ limit, windowMs }]);
  });

  it.each([
    "",
    " , ",
    "1/s,",
    "0/s",
    "-1/s",
    "1.5/s",
    "1/0s",
    "1/fortnight",
    "1/ms",
    "ten/min",
    "1s",
    "1/s;10/min",
  ])("refuses %j with a ConfigError naming the variable", (spec) => {
    const parse = () => parseRateLimits(spec, "PROMPT_RATE_LIMITS");
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/^PROMPT_RATE_LIMITS /);
  });

  it("quotes the offending limit", () => {
    expect(() => parseRateLimits("1/s,10/mn", "loginRateLimits")).toThrow(
      expect.objectContaining({ variable: "loginRateLimits", message: expect.stringContaining('"10/mn"') }),
    );
  });
});
