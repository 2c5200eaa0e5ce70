import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { sleep } from "./stats.js";

const LOAD_MAIN = fileURLToPath(new URL("./paced-load-main.ts", import.meta.url));
const FAKE_OPENAI_MAIN = fileURLToPath(new URL("./fake-openai-main.ts", import.meta.url));
const PORTKEY_MAIN = fileURLToPath(
  new URL("../../node_modules/@portkey-ai/gateway/build/start-server.js", import.meta.url),
);

export interface PacedLoadConfig {
  label: string;
  /** `http://host:port` */
  origin: string;
  path: string;
  /** One entry per client: the headers it sends (its key…). */
  clients: Array<Record<string, string>>;
  /** Each client sends one request every intervalMs. */
  intervalMs: number;
  warmupSeconds: number;
  seconds: number;
  /** The chat model the requests name. */
  model: string;
  timeoutMs: number;
  /** Keep-alive connections a client may open (one suffices while answers take less than intervalMs). */
  connectionsPerClient: number;
  textSeed: number;
}

export interface Summary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface PacedLoadResult {
  label: string;
  clients: number;
  seconds: number;
  /** Requests due in the measured window, all sent. */
  sent: number;
  /** 2xx answers to them. */
  ok: number;
  /** ok ÷ seconds. */
  perSecond: number;
  successRate: number;
  statuses: Record<string, number>;
  /** Connection errors and timeouts, by code. */
  errors: Record<string, number>;
  /** Of the 2xx answers: send → last byte of the body. */
  latencyMs: Summary;
  /** Send time − due time: the generator's own delay. */
  latenessMs: Summary;
  loopDelayMs: { p50: number; p99: number; max: number };
  /** The generator's CPU over the measured window, in % of one core. */
  generatorCpuPercent: number;
  warmup: { sent: number; ok: number };
}

export interface Child {
  child: ChildProcess;
  stop(): Promise<void>;
  stderr(): string;
}

function spawnChild(args: string[], env: Record<string, string> = {}, ipc = true): Child {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe", ...(ipc ? (["ipc"] as const) : [])],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = once(child, "exit");
  return {
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function firstMessage<Message>(child: Child, what: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    child.child.once("message", (message: Message) => resolve(message));
    child.child.once("exit", (code) => reject(new Error(`${what} exited (${code}):\n${child.stderr()}`)));
  });
}

/** The load generator's process; `run` may be called several times, one at a time. */
export async function startPacedLoad(): Promise<
  Child & { run(config: PacedLoadConfig): Promise<PacedLoadResult> }
> {
  const child = spawnChild(["--import", "tsx", LOAD_MAIN]);
  await firstMessage(child, "the load generator");
  return {
    ...child,
    async run(config) {
      const reply = new Promise<
        { type: "result"; result: PacedLoadResult } | { type: "error"; error: string }
      >((resolve, reject) => {
        child.child.once("message", resolve);
        child.child.once("exit", (code) =>
          reject(new Error(`the load generator exited (${code}):\n${child.stderr()}`)),
        );
      });
      child.child.send({ type: "run", config });
      const message = await reply;
      if (message.type === "error") throw new Error(message.error);
      return message.result;
    },
  };
}

/** The fake OpenAI-compatible upstream (fake-openai-main.ts), answering after `delayMs`. */
export async function startFakeOpenAi(delayMs: number): Promise<Child & { url: string }> {
  const child = spawnChild(["--import", "tsx", FAKE_OPENAI_MAIN], { FAKE_OPENAI_DELAY_MS: String(delayMs) });
  const { url } = await firstMessage<{ url: string }>(child, "the fake upstream");
  return { ...child, url };
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The Portkey AI gateway (`@portkey-ai/gateway`, a root devDependency), as its README starts it: `--port=N
 * --headless`, in a process of its own; resolves once it answers `GET /`.
 */
export async function startPortkey(): Promise<Child & { url: string }> {
  const port = await freePort();
  // NODE_ENV=production: no log UI, as in a deployment.
  const child = spawnChild([PORTKEY_MAIN, `--port=${port}`, "--headless"], { NODE_ENV: "production" }, false);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.child.exitCode !== null)
      throw new Error(`Portkey exited (${child.child.exitCode}):\n${child.stderr()}`);
    try {
      const response = await fetch(`${url}/`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`Portkey did not answer on ${url} within 60 s:\n${child.stderr()}`);
    }
    await sleep(200);
  }
  return { ...child, url };
}
