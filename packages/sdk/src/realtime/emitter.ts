type Listener = (...args: never[]) => void;

/** Typed listeners by name. A listener that throws does not stop the others: its error is rethrown on its own. */
export class Emitter<Events extends Record<string, Listener>> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  /** Adds a listener; returns the function that removes it. */
  on<Name extends keyof Events>(name: Name, listener: Events[Name]): () => void {
    const listeners = this.listeners.get(name) ?? new Set<Listener>();
    listeners.add(listener);
    this.listeners.set(name, listeners);
    return () => {
      listeners.delete(listener);
    };
  }

  emit<Name extends keyof Events>(name: Name, ...args: Parameters<Events[Name]>): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        (listener as (...values: Parameters<Events[Name]>) => void)(...args);
      } catch (error) {
        // As an uncaught error in an event handler would: visible, without breaking the stream that called it.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
