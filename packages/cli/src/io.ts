/** Where a command reads and writes: the process's own streams in `prompt`, fakes in tests (as `gh`'s IOStreams). */
export interface IO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /**
   * Aborted on SIGINT or SIGTERM. Only long-running commands ask for it: asking takes those signals over from
   * their default, which ends the process at once.
   */
  interrupted(): AbortSignal;
}

/** The IO of the running process. */
export function processIO(): IO {
  let interruption: AbortController | undefined;
  // A reader that goes away (`prompt watch | head -1`) ends the output, not the program with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(0);
  });
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interrupted() {
      if (!interruption) {
        const controller = new AbortController();
        process.once("SIGINT", () => controller.abort());
        process.once("SIGTERM", () => controller.abort());
        interruption = controller;
      }
      return interruption.signal;
    },
  };
}
