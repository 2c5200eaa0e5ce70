import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { BackgroundWork } from "../../../src/similarity/vector-index/background-work.js";

const MODULE = fileURLToPath(
  new URL("../../../src/similarity/vector-index/background-work.ts", import.meta.url),
);

function* steps(log: string[], name: string, count: number): Generator<void> {
  for (let step = 0; step < count; step++) {
    log.push(`${name}${step}`);
    yield;
  }
}

describe("BackgroundWork", () => {
  it("runs queued jobs one after the other, after the current turn of the event loop", async () => {
    const work = new BackgroundWork(vi.fn());
    const log: string[] = [];
    work.run(steps(log, "a", 2));
    work.run(steps(log, "b", 2));
    expect(log).toEqual([]);
    await work.settled();
    expect(log).toEqual(["a0", "a1", "b0", "b1"]);
  });

  it("lets timers and I/O run between the slices of a long job", async () => {
    const work = new BackgroundWork(vi.fn());
    let timerFiredAt = Number.POSITIVE_INFINITY;
    let jobEndedAt = 0;
    setTimeout(() => {
      timerFiredAt = performance.now();
    }, 20);
    work.run(
      (function* () {
        const end = performance.now() + 100;
        while (performance.now() < end) yield;
        jobEndedAt = performance.now();
      })(),
    );
    await work.settled();
    expect(timerFiredAt).toBeLessThan(jobEndedAt);
  });

  it("drops a cancelled job, and reports a failed step without stopping the other jobs", async () => {
    const onError = vi.fn();
    const work = new BackgroundWork(onError);
    const log: string[] = [];
    work.run(steps(log, "cancelled", 3)).cancel();
    work.run(
      (function* () {
        yield;
        throw new Error("step failed");
      })(),
    );
    work.run(steps(log, "c", 1));
    await work.settled();
    expect(log).toEqual(["c0"]);
    expect(onError).toHaveBeenCalledWith(new Error("step failed"));
  });

  it("does not keep the process alive with work nobody awaits", async () => {
    const endless = `
      const { BackgroundWork } = await import(${JSON.stringify(MODULE)});
      new BackgroundWork(() => {}).run((function* () { for (;;) yield; })());
    `;
    const exit = promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", endless],
      {
        timeout: 20_000,
      },
    );
    await expect(exit).resolves.toMatchObject({ stderr: "" });
  }, 30_000);

  it("is settled at once when idle", async () => {
    await expect(new BackgroundWork(vi.fn()).settled()).resolves.toBeUndefined();
  });
});
