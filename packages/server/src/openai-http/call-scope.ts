import { setTimeout as sleep } from "node:timers/promises";
import { ProviderError, type ProviderKind } from "../errors.js";

/**
 * The lifetime of one provider call. Its single signal fires when the caller aborts or the time budget runs out, so
 * the request, the body read and any retry wait stop together; `dispose()` leaves no timer or listener behind.
 */
export class CallScope {
  readonly provider: ProviderKind;
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  readonly #callerSignal: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #deadline = 0;
  #timedOut = false;

  constructor(provider: ProviderKind, timeoutMs: number, callerSignal?: AbortSignal) {
    this.provider = provider;
    this.#timeoutMs = timeoutMs;
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted) this.#controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
    this.restart();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.#deadline - Date.now());
  }

  /** Grants a fresh budget: streams call it on every event, which makes the budget an idle timeout. */
  restart(): void {
    if (this.signal.aborted) return;
    clearTimeout(this.#timer);
    this.#deadline = Date.now() + this.#timeoutMs;
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new Error(`Timed out after ${this.#timeoutMs} ms`));
    }, this.#timeoutMs);
  }

  /** Waits unless the call ends first. */
  sleep(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.signal });
  }

  /**
   * What the caller sees for an error raised inside the call: the provider's timeout error when the budget ran out,
   * the caller's own abort reason when it aborted (it asked for that, so it is not a provider failure), otherwise the
   * provider's failure.
   */
  toCallerError(error: unknown): unknown {
    if (this.#timedOut) {
      return new ProviderError(
        this.provider,
        `The ${this.provider} provider did not answer within ${this.#timeoutMs} ms.`,
        { timedOut: true, cause: error },
      );
    }
    if (this.#callerSignal?.aborted) return this.#callerSignal.reason;
    if (error instanceof ProviderError) return error;
    return new ProviderError(this.provider, `The ${this.provider} provider failed to answer.`, {
      cause: error,
    });
  }

  /** Cancels whatever the call still has running (e.g. a stream its consumer left early) and releases the timer. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
    this.#controller.abort(new Error("The call has ended"));
  }

  readonly #onCallerAbort = (): void => {
    this.#controller.abort(this.#callerSignal?.reason);
  };
}
