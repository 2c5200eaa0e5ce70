/**
 * The chaos run's users: each posts prompts within the throttle (every few seconds, with an Idempotency-Key that its
 * retries reuse), searches its prompts, and holds a WebSocket. A user talks to its home instance and, when that one
 * does not answer (refused, reset, or no answer in REQUEST_TIMEOUT_MS), to the other at once, as a client behind a
 * balancer would be moved. Everything it sees is recorded, with times in ms since the run's start.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { sleep } from "../support/stats.js";

/** How long a client waits for an answer before it gives up on an instance, as the clients did. */
const REQUEST_TIMEOUT_MS = 5_000;
/** A POST that still has no answer after this is given up (it counts as not acknowledged). */
const GIVE_UP_MS = 60_000;
const RECONNECT_MS = 500;

export interface Attempt {
  kind: "post" | "search";
  user: number;
  start: number;
  end: number;
  /** The HTTP status, when an instance answered. */
  status?: number;
  /** Why no instance answered. */
  error?: string;
  retryAfter: boolean;
}

export interface Acknowledged {
  user: number;
  id: number;
  /** When the first attempt of the POST was sent, and when a 201 (or its replay) came back. */
  sent: number;
  ackAt: number;
}

export interface SocketLife {
  user: number;
  openAt: number;
  closeAt?: number;
  /** Ids of the prompt_completed events it received. */
  received: Set<number>;
}

export class ChaosRecorder {
  readonly started = performance.now();
  readonly attempts: Attempt[] = [];
  readonly acknowledged: Acknowledged[] = [];
  readonly sockets: SocketLife[] = [];
  /** POSTs that had no answer (timeout, reset) and were sent again. */
  resentWithoutAnswer = 0;
  abandoned = 0;

  now(): number {
    return performance.now() - this.started;
  }
}

interface Answer {
  status?: number;
  body?: Record<string, unknown>;
  retryAfterSeconds?: number;
  error?: string;
}

export interface ChaosUserOptions {
  index: number;
  token: string;
  /** Both instances' base URLs; the user's home is `index % 2`. */
  urls: readonly string[];
  recorder: ChaosRecorder;
  postEveryMs: number;
  searchEveryMs: number;
}

export class ChaosUser {
  #stopped = false;
  #socket: WebSocket | undefined;
  #posted = 0;
  readonly #options: ChaosUserOptions;

  constructor(options: ChaosUserOptions) {
    this.#options = options;
  }

  /** Runs until `stop`; resolves when its last operation has ended. */
  async run(): Promise<void> {
    this.#connect(this.#options.index % 2);
    await Promise.all([
      this.#every(this.#options.postEveryMs, () => this.#post()),
      this.#every(this.#options.searchEveryMs, () => this.#search()),
    ]);
    this.#socket?.close();
  }

  stop(): void {
    this.#stopped = true;
  }

  async #every(periodMs: number, work: () => Promise<void>): Promise<void> {
    // Spread over one period, as independent people would be.
    await sleep(Math.random() * periodMs);
    while (!this.#stopped) {
      const started = performance.now();
      await work();
      await sleep(Math.max(0, periodMs - (performance.now() - started)));
    }
  }

  async #post(): Promise<void> {
    const { recorder, index } = this.#options;
    const key = randomUUID();
    const prompt = `chaos user ${index} prompt ${this.#posted++} ${key}: what should I plant in a shady garden?`;
    const sent = recorder.now();
    while (recorder.now() - sent < GIVE_UP_MS) {
      const answer = await this.#attempt("post", "/api/prompts", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ prompt, websocket: true }),
      });
      if (answer.status === 201) {
        recorder.acknowledged.push({ user: index, id: Number(answer.body?.id), sent, ackAt: recorder.now() });
        return;
      }
      if (answer.status !== undefined && answer.status < 500 && ![409, 429].includes(answer.status)) return;
      if (answer.error) recorder.resentWithoutAnswer++;
      // 429, a key still in flight elsewhere, 5xx, or no answer at all: again with the same key.
      await sleep(Math.min(5, answer.retryAfterSeconds ?? 1) * 1000);
    }
    recorder.abandoned++;
  }

  async #search(): Promise<void> {
    await this.#attempt(
      "search",
      `/api/prompts/similar?q=${encodeURIComponent("shady garden plants")}&k=3`,
      {},
    );
  }

  /** One request: to the home instance, and to the other at once when the home one does not answer. */
  async #attempt(kind: Attempt["kind"], path: string, init: RequestInit): Promise<Answer> {
    const { recorder, index, urls, token } = this.#options;
    const start = recorder.now();
    let answer: Answer = {};
    for (const base of [urls[index % 2], urls[(index + 1) % 2]]) {
      answer = await send(`${base}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      });
      if (answer.status !== undefined) break;
    }
    recorder.attempts.push({
      kind,
      user: index,
      start,
      end: recorder.now(),
      ...(answer.status !== undefined ? { status: answer.status } : { error: answer.error }),
      retryAfter: answer.retryAfterSeconds !== undefined,
    });
    return answer;
  }

  #connect(instance: number): void {
    if (this.#stopped) return;
    const { recorder, index, urls, token } = this.#options;
    const socket = new WebSocket(`${urls[instance]?.replace("http", "ws")}/ws/prompts/?token=${token}`);
    this.#socket = socket;
    let life: SocketLife | undefined;
    socket.on("open", () => {
      life = { user: index, openAt: recorder.now(), received: new Set() };
      recorder.sockets.push(life);
    });
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { event?: string; data?: { id?: number } };
      if (message.event === "prompt_completed" && life) life.received.add(Number(message.data?.id));
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (life) life.closeAt = recorder.now();
      // Back to the same instance when it is up; to the other when it refused.
      if (!this.#stopped) setTimeout(() => this.#connect(life ? instance : (instance + 1) % 2), RECONNECT_MS);
    });
  }
}

async function send(url: string, init: RequestInit): Promise<Answer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    const retryAfter = response.headers.get("retry-after");
    return {
      status: response.status,
      body: text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {},
      ...(retryAfter !== null ? { retryAfterSeconds: Number(retryAfter) } : {}),
    };
  } catch (error) {
    return {
      error:
        error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.name) : String(error),
    };
  }
}
