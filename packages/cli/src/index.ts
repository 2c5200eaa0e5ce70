/** @prompt-service/cli: the `prompt` command, and the same as a function for programs and tests. */
export type { CommandContext, GlobalOptions } from "./context.js";
export { ExitCode } from "./exit-codes.js";
export { type IO, processIO } from "./io.js";
export { createProgram } from "./program.js";
export { run } from "./run.js";
export { VERSION } from "./version.js";
