import { describe, expect, it } from "vitest";
import { PartitionPolicy } from "../../../src/similarity/vector-index/partition-policy.js";

describe("PartitionPolicy", () => {
  const policy = new PartitionPolicy();

  it("partitions from 10,000 vectors, in lists of about 400, then again each time the lists have doubled", () => {
    expect(policy.isDue(9_999, 1)).toBe(false);
    expect(policy.isDue(10_000, 1)).toBe(true);
    expect(policy.listsFor(10_000)).toBe(25);
    expect(policy.isDue(19_600, 25)).toBe(false);
    expect(policy.isDue(20_000, 25)).toBe(true);
    expect(policy.listsFor(100_000)).toBe(250);
  });

  it("scans at least 8 lists, and otherwise a sixteenth of them", () => {
    expect(policy.probesFor(4)).toBe(4);
    expect(policy.probesFor(25)).toBe(8);
    expect(policy.probesFor(250)).toBe(16);
  });

  it("rejects a threshold or list size that is not a positive integer", () => {
    expect(() => new PartitionPolicy({ threshold: 0 })).toThrow(/threshold must be a positive integer/);
    expect(() => new PartitionPolicy({ vectorsPerList: 1.5 })).toThrow(/vectorsPerList/);
  });
});
