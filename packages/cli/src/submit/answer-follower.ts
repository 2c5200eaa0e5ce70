import type { EventStream, PromptDelta } from "@prompt-service/sdk";

/**
 * Writes the answer of a prompt as its deltas arrive on the event stream. The server names the prompt's id only
 * in those events, before the request that created it returns; so the follower takes the first answer that
 * starts after it was created, and `finish` checks that guess against the stored prompt, completing or
 * correcting what was written.
 */
export class AnswerFollower {
  private followed: number | undefined;
  private written = "";
  private readonly ended = new Map<number, () => void>();
  private readonly endedIds = new Set<number>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    stream: Pick<EventStream, "on">,
    private readonly write: (text: string) => void,
  ) {
    this.unsubscribe = [
      stream.on("prompt_delta", (delta) => this.onDelta(delta)),
      stream.on("prompt_completed", ({ id }) => this.onEnd(id)),
      stream.on("prompt_failed", ({ id }) => this.onEnd(id)),
    ];
  }

  /**
   * Waits (at most `timeoutMs`) for the end of prompt `id` on the stream, so that every delta of it has been
   * written, then writes whatever the stream did not deliver: all of `response` when it followed another
   * prompt, the rest when it lost part of it. `response` ends up written exactly once, and a newline after it.
   */
  async finish(id: number, response: string, timeoutMs: number): Promise<void> {
    await this.endOf(id, timeoutMs);
    this.stop();
    if (this.followed === id && response.startsWith(this.written)) {
      this.write(`${response.slice(this.written.length)}\n`);
    } else {
      this.write(`${this.written === "" ? "" : "\n"}${response}\n`);
    }
  }

  /** Stops writing; ends a partly written line, as when the request failed. */
  abandon(): void {
    this.stop();
    if (this.written !== "") this.write("\n");
  }

  private stop(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  private onDelta({ id, index, delta }: PromptDelta): void {
    if (this.followed === undefined && index === 0) this.followed = id;
    if (id !== this.followed) return;
    this.written += delta;
    this.write(delta);
  }

  private onEnd(id: number): void {
    this.endedIds.add(id);
    this.ended.get(id)?.();
  }

  private endOf(id: number, timeoutMs: number): Promise<void> {
    if (this.endedIds.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.ended.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
