import type { EventStreamListeners, Prompt, PromptEvent } from "@prompt-service/sdk";

type Listener = (...args: never[]) => void;

/** The listener side of an EventStream, driven by the test: `emit` is what the server and the network do. */
export class FakeStream {
  private readonly listeners = new Map<string, Set<Listener>>();
  private connected = false;

  on<Name extends keyof EventStreamListeners>(name: Name, listener: EventStreamListeners[Name]): () => void {
    const set = this.listeners.get(name) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(name, set);
    return () => set.delete(listener);
  }

  /** Someone listens to the events: the app has subscribed. */
  get subscribed(): boolean {
    return (this.listeners.get("event")?.size ?? 0) > 0;
  }

  ready(): Promise<void> {
    return this.connected ? Promise.resolve() : new Promise(() => undefined);
  }

  emit<Name extends keyof EventStreamListeners>(name: Name, ...args: Parameters<EventStreamListeners[Name]>) {
    if (name === "open") this.connected = true;
    for (const listener of this.listeners.get(name) ?? [])
      (listener as (...values: unknown[]) => void)(...args);
  }

  /** An event from the server, to its listeners by name and to "event" listeners, as the SDK dispatches it. */
  push(event: PromptEvent): void {
    this.emit("event", event);
    this.emit(event.event, event.data as never, event as never);
  }
}

/** A prompt the server took one second before the tests' `now` (09:59:57 UTC). */
export const started = (id: number, prompt: string, at = "2025-03-01T09:59:57.000Z"): PromptEvent => ({
  type: "prompt.start",
  event: "prompt_started",
  data: { id, prompt, started_at: at },
});

export const delta = (id: number, index: number, text: string): PromptEvent => ({
  type: "prompt.delta",
  event: "prompt_delta",
  data: { id, index, delta: text },
});

/** A prompt as the API returns it, stored at 10:00:00 UTC by default. */
export const storedPrompt = (
  id: number,
  prompt = `prompt ${id}`,
  response = `answer ${id}`,
  createdAt = "2025-03-01T10:00:00.000Z",
): Prompt => ({ id, prompt, response, created_at: createdAt, reused_from: null });

export const completed = (
  id: number,
  prompt: string,
  response: string,
  createdAt = "2025-03-01T10:00:00.000Z",
): PromptEvent => ({
  type: "prompt.message",
  event: "prompt_completed",
  data: storedPrompt(id, prompt, response, createdAt),
});

/** The event the server sends when the user deletes a prompt. */
export const deleted = (id: number): PromptEvent => ({
  type: "prompt.message",
  event: "prompt_deleted",
  data: { id },
});

export const failed = (id: number, code: string, detail: string): PromptEvent => ({
  type: "prompt.error",
  event: "prompt_failed",
  data: { id, code, detail },
});
