import { AbortError, ConnectionError, PromptServiceError, TimeoutError } from "../errors.js";

const abortErrorOf = (signal: AbortSignal) =>
  new AbortError("The operation was aborted.", { cause: signal.reason });

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortErrorOf(signal);
}

/** Resolves after `ms`, or rejects with AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return abortable(elapsed, signal, () => clearTimeout(timer));
}

/**
 * Settles as `promise` does, or rejects with AbortError when `signal` aborts first. The work behind `promise`
 * goes on: other callers may be sharing it (one token refresh for many requests).
 */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal, onAbort?: () => void): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(abortErrorOf(signal));
    };
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/**
 * The signal of one HTTP attempt: it aborts when the caller's signal does or after `timeoutMs`, and afterwards
 * tells which it was, so the caller gets AbortError, TimeoutError or ConnectionError rather than undici's
 * generic failure.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly timer: ReturnType<typeof setTimeout>;
  private timedOut = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    const timeout = new AbortController();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      timeout.abort();
    }, timeoutMs);
    this.signal = caller ? AbortSignal.any([caller, timeout.signal]) : timeout.signal;
  }

  /** The SDK error for `error`, raised while this deadline ran; `what` names the operation for the message. */
  explain(error: unknown, what: string): PromptServiceError {
    if (error instanceof PromptServiceError) return error;
    if (this.caller?.aborted) return abortErrorOf(this.caller);
    if (this.timedOut) return new TimeoutError(`${what} timed out after ${this.timeoutMs} ms.`);
    return new ConnectionError(`${what} failed: ${describe(error)}`, { cause: error });
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** undici reports "fetch failed" and puts the reason (ECONNREFUSED…) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
