import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Tests that need more than Node, PostgreSQL, Redis and what `npm ci` installs: a browser (Debian's chromium), a
 * terminal (tmux), promtool, docker-compose, curl and jq, the faiss library built by scripts/build-faiss.sh, building
 * and packing the packages, or the packages `npm run test:system` installs first (package.json's
 * "systemTestDependencies": Transformers.js with its ONNX runtime, and the third-party OpenAPI tools). Each says what
 * is missing and how to install it.
 */
const SYSTEM_TESTS = [
  "packages/cli/test/e2e/**/*.test.ts",
  "packages/sdk/test/browser/**/*.test.ts",
  "packages/sdk/test/packaging.test.ts",
  "packages/server/test/observability/browser.test.ts",
  "packages/server/test/observability/metrics-promtool.test.ts",
  "packages/server/test/observability/openapi-tools.test.ts",
  "packages/server/test/release/*-release.test.ts",
  "packages/server/test/similarity/embeddings/transformers.test.ts",
  "packages/server/test/similarity/vector-index/faiss*.test.ts",
];
/**
 * Unit tests that change their process for the rest of its life, each run in a process of its own: a module replaced
 * by vi.mock (the faiss binding), and the time zone set before the first date is formatted (the watch TUI's times).
 */
const TESTS_THAT_CHANGE_THEIR_PROCESS = [
  "packages/server/test/similarity/vector-index/index-without-faiss.test.ts",
  "packages/cli/test/ui/watch-app.test.ts",
];
/** `npm run bench -- --smoke`: about half the system tests' time, started first so that the others run beside it. */
const BENCH_SMOKE = "packages/server/test/bench-smoke.test.ts";
/**
 * System tests that run the server as a process and kill, restart or cut it, and bound how long it takes to recover or
 * answer (ready within 3 s, a provider's timeout answered within its bound, the chaos run's 5 s recoveries): the
 * slowest, kept out of `npm test` (within its five minutes), and run after the other system tests, one at a time, so
 * that a build, the benchmark's smoke or another of them beside them cannot fail them by chance. Two at a time took
 * 83 s instead of 146 s and passed three runs in a row, then failed a clean-clone CI run: redis-outage's two prompts
 * "at once" arrived more than its one-second throttle window apart.
 */
const TIMED_SYSTEM_TESTS = [
  "packages/server/test/faults/**/*.test.ts",
  "packages/server/test/release/chaos.test.ts",
  "packages/server/test/standalone.test.ts",
];

/**
 * vitest's own order (what failed or took longest last time first, else the largest file first), with the benchmark's
 * smoke ahead of everything: on a clean clone vitest knows no durations, and the smoke, started last, would run alone
 * after the others instead of beside them.
 */
class SmokeFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isSmoke = (spec: TestSpecification) => spec.moduleId.endsWith(BENCH_SMOKE);
    return [...sorted.filter(isSmoke), ...sorted.filter((spec) => !isSmoke(spec))];
  }
}

// Package names resolve to their TypeScript sources so that tests never need a build.
export default defineConfig({
  resolve: {
    alias: {
      // Subpaths before their package's name, which would match them first.
      "@prompt-service/protocol/schemas": source("./packages/protocol/src/schemas/index.ts"),
      "@prompt-service/protocol": source("./packages/protocol/src/index.ts"),
      "@prompt-service/server": source("./packages/server/src/index.ts"),
      "@prompt-service/sdk/protocol": source("./packages/sdk/src/protocol.ts"),
      "@prompt-service/sdk": source("./packages/sdk/src/index.ts"),
      "@prompt-service/cli": source("./packages/cli/src/index.ts"),
      "@prompt-service/testkit": source("./packages/testkit/src/index.ts"),
    },
  },
  test: {
    // ink draws nothing live when it believes it runs under CI (is-in-ci reads CI at import), and the watch TUI's
    // tests check its live frames: the test workers are told they are not in CI, whatever ran them.
    env: { CI: "false", CONTINUOUS_INTEGRATION: "false" },
    // Bounds against hangs, not measures of speed (benchmarks measure that): a test that takes 4 s alone took over
    // 20 s in npm test runs beside other work on a 2-core machine (load average 15), and failed by chance.
    testTimeout: 60_000,
    sequence: { sequencer: SmokeFirst },
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // Most of these tests wait on servers, sockets and child processes rather than compute: one test file more
          // than there are cores keeps the cores busy. On 2 cores, npm test took 389 s with two files at once, 324 s
          // with three and 318 s with four (the cores then full: 1.8 of 2 busy with three).
          maxWorkers: availableParallelism() + 1,
          include: ["packages/*/test/**/*.test.ts", "examples/**/*.test.ts"],
          exclude: [
            ...configDefaults.exclude,
            ...SYSTEM_TESTS,
            BENCH_SMOKE,
            ...TIMED_SYSTEM_TESTS,
            ...TESTS_THAT_CHANGE_THEIR_PROCESS,
          ],
          // A worker runs its test files one after another in one process, with the modules they import loaded once:
          // importing the server's sources (Fastify, PGlite, the model's WebAssembly and its shared load, see the
          // testkit's startServer) again for each of its files was 40 % of npm test's time (334.7 → 198.3 s on 2 cores).
          // Each file closes what it starts; the few that change their process for the rest of its life run apart.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "unit-isolated",
          include: TESTS_THAT_CHANGE_THEIR_PROCESS,
          maxWorkers: availableParallelism() + 1,
        },
      },
      // The system tests that wait on builds, browsers, terminals and child processes, two files at once (a group's
      // workers are shared by its projects), the benchmark's smoke first (see sequencer below); then, as a group of its
      // own, the timed ones, one at a time.
      {
        extends: true,
        test: {
          name: "system",
          include: [BENCH_SMOKE, ...SYSTEM_TESTS],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "system-timed",
          include: TIMED_SYSTEM_TESTS,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
