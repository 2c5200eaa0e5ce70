/** Small numeric helpers shared by the benchmark modules. */

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}

/** p50 and p99 of unsorted samples, in their unit, rounded to two decimals. */
export function p50p99(samples: readonly number[]): { p50: number; p99: number; count: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), count: sorted.length };
}

export function round(value: number, digits = 2): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

export const MB = 1024 * 1024;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * This process's memory, after three rounds of full collection when `gc` is asked (and the process runs with
 * --expose-gc), a moment apart so that finalizers run: what it holds, not what it has yet to collect.
 */
export async function memoryUsage(gc: boolean): Promise<NodeJS.MemoryUsage> {
  if (gc) {
    for (let round = 0; round < 3; round++) {
      globalThis.gc?.();
      await sleep(10);
    }
  }
  return process.memoryUsage();
}
