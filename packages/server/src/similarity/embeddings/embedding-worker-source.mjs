/**
 * The embedding worker when the server runs from its TypeScript sources (tests, benchmarks, examples): Node 20 does
 * not apply the main thread's `--import tsx` to worker threads, so this plain module registers tsx in the worker,
 * then loads ./embedding-worker.ts and hands piscina its handlers. Built servers load dist/embedding-worker.js
 * directly and never this file.
 */
import { register } from "tsx/esm/api";

register();
const worker = await import("./embedding-worker.ts");

export default worker.default;
export const describe = worker.describe;
