import { createRequire } from "node:module";

/** mallopt's parameters, from glibc's malloc.h. */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;
/** glibc's own defaults of both (128 KiB), which it raises at run time unless they were set. */
const GLIBC_DEFAULT_THRESHOLD = 128 * 1024;

/** What `fixMallocThresholds` did, for the start-up log. */
export type MallocThresholds = "fixed" | "set by the environment" | "not glibc";

/**
 * Keeps glibc's malloc from holding on to the memory that Node's threads free. glibc starts with a trim threshold and
 * an mmap threshold of 128 KiB, then raises both as soon as a block allocated by mmap is freed (any buffer over
 * 128 KiB: a file read, the database's WebAssembly module, the model's weights), up to 32 MiB and 64 MiB: from then
 * on, every thread's arena keeps up to 64 MiB of freed memory instead of returning it to the system. The embedded
 * database's compiler threads and the embedding worker leave 50–80 MB of such freed memory in an idle server
 * (BENCHMARKS.md, idle memory). Setting the thresholds to glibc's own defaults, as MALLOC_TRIM_THRESHOLD_ and
 * MALLOC_MMAP_THRESHOLD_ would, turns that raise off (mallopt(3)).
 *
 * For the standalone server, whose process this is: the plugin, mounted in another app, leaves its allocator alone.
 * Thresholds the environment sets (those variables, or glibc.malloc tunables) are glibc's to apply and are left as
 * they are. Elsewhere than glibc (macOS, Windows, musl) it does nothing. mallopt is called through koffi, a foreign
 * function interface shipped prebuilt for each platform: Node has no binding of its own for it.
 */
export function fixMallocThresholds(env: NodeJS.ProcessEnv = process.env): MallocThresholds {
  const setByEnvironment =
    env.MALLOC_TRIM_THRESHOLD_ !== undefined ||
    env.MALLOC_MMAP_THRESHOLD_ !== undefined ||
    env.GLIBC_TUNABLES?.includes("glibc.malloc.") === true;
  if (setByEnvironment) return "set by the environment";
  if (process.platform !== "linux") return "not glibc";
  try {
    const koffi = createRequire(import.meta.url)("koffi") as {
      load(path: string): { func(signature: string): (...args: number[]) => number };
    };
    const mallopt = koffi.load("libc.so.6").func("int mallopt(int param, int value)");
    const fixed =
      mallopt(M_TRIM_THRESHOLD, GLIBC_DEFAULT_THRESHOLD) === 1 &&
      mallopt(M_MMAP_THRESHOLD, GLIBC_DEFAULT_THRESHOLD) === 1;
    return fixed ? "fixed" : "not glibc";
  } catch {
    // No prebuilt koffi for this platform, or no libc.so.6 (musl's C library has another name and no such
    // thresholds): the allocator keeps its defaults.
    return "not glibc";
  }
}
