/** One server instance of the chaos run: the standalone server as deployed, in a process the run may kill or freeze. */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { spawnTypeScript, type TypeScriptProcess } from "../../packages/testkit/src/process.js";
import { sleep } from "../support/stats.js";

const STANDALONE = fileURLToPath(new URL("../../packages/server/src/standalone.ts", import.meta.url));

export class ChaosInstance {
  #process: TypeScriptProcess | undefined;
  /** Everything earlier processes of this instance wrote, for the report when something goes wrong. */
  #earlierOutput = "";
  /** Exits the run did not cause: a crash of the server under a fault. */
  crashes = 0;
  #stopping = false;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and resolves once it answers /readyz. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.#process) this.#earlierOutput += this.#process.output();
    const child = spawnTypeScript(STANDALONE, {
      env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: String(this.port), ...this.env },
    });
    this.#process = child;
    this.#stopping = false;
    void child.exited.then(() => {
      if (!this.#stopping) this.crashes++;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.child.exitCode !== null) throw new Error(`${this.name} exited at start:\n${child.output()}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name} was not ready in ${timeoutMs} ms:\n${child.output()}`);
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(200);
    }
  }

  /** kill -9: what is in flight is lost, as in a crash. */
  async kill(): Promise<void> {
    this.#stopping = true;
    await this.#process?.stop("SIGKILL");
  }

  freeze(): void {
    this.#process?.child.kill("SIGSTOP");
  }

  thaw(): void {
    this.#process?.child.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.thaw();
    await this.#process?.stop("SIGTERM");
  }

  /** Resident memory of the process (its worker threads included), from /proc; NaN when it has exited. */
  async rssBytes(): Promise<number> {
    const pid = this.#process?.child.pid;
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
  }

  output(): string {
    return this.#earlierOutput + (this.#process?.output() ?? "");
  }
}
