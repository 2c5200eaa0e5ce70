import { describe, expect, it } from "vitest";
import { fixMallocThresholds } from "../src/malloc-thresholds.js";

// Linux with glibc: CI, the Docker image (node:*-slim is Debian) and these machines.
describe("malloc thresholds of the standalone server", () => {
  it("sets glibc's thresholds through mallopt", () => {
    expect(fixMallocThresholds({})).toBe("fixed");
  });

  it("leaves thresholds that the environment gives to glibc", () => {
    expect(fixMallocThresholds({ MALLOC_TRIM_THRESHOLD_: "65536" })).toBe("set by the environment");
    expect(fixMallocThresholds({ MALLOC_MMAP_THRESHOLD_: "65536" })).toBe("set by the environment");
    expect(fixMallocThresholds({ GLIBC_TUNABLES: "glibc.malloc.trim_threshold=65536" })).toBe(
      "set by the environment",
    );
  });
});
