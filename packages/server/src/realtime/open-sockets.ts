import type { SocketSession } from "./socket-session.js";

const NONE: ReadonlySet<SocketSession> = new Set();

/** Sockets grouped by a key; a key goes when its last socket does, so that keys of closed sockets do not pile up. */
class SocketGroups<Key> {
  readonly #groups = new Map<Key, Set<SocketSession>>();

  add(key: Key, session: SocketSession): void {
    const group = this.#groups.get(key) ?? new Set<SocketSession>();
    group.add(session);
    this.#groups.set(key, group);
  }

  delete(key: Key, session: SocketSession): void {
    const group = this.#groups.get(key);
    group?.delete(session);
    if (group?.size === 0) this.#groups.delete(key);
  }

  of(key: Key): ReadonlySet<SocketSession> {
    return this.#groups.get(key) ?? NONE;
  }
}

/** Where a socket belongs: its user, the client address it came from, and the token session that opened it. */
export interface SocketOwner {
  userId: number;
  address: string;
  /** Undefined for a token without a session. */
  tokenSession: string | undefined;
}

/**
 * The sockets open on this instance: all of them (heartbeats, shutdown), by user and by client address (the caps
 * count them) and by token session (a logout closes that session's sockets at once).
 */
export class OpenSockets {
  readonly #all = new Set<SocketSession>();
  readonly #byUser = new SocketGroups<number>();
  readonly #byAddress = new SocketGroups<string>();
  readonly #bySession = new SocketGroups<string>();

  get size(): number {
    return this.#all.size;
  }

  add(session: SocketSession, { userId, address, tokenSession }: SocketOwner): void {
    this.#all.add(session);
    this.#byUser.add(userId, session);
    this.#byAddress.add(address, session);
    if (tokenSession !== undefined) this.#bySession.add(tokenSession, session);
  }

  delete(session: SocketSession, { userId, address, tokenSession }: SocketOwner): void {
    this.#all.delete(session);
    this.#byUser.delete(userId, session);
    this.#byAddress.delete(address, session);
    if (tokenSession !== undefined) this.#bySession.delete(tokenSession, session);
  }

  ofUser(userId: number): ReadonlySet<SocketSession> {
    return this.#byUser.of(userId);
  }

  ofAddress(address: string): ReadonlySet<SocketSession> {
    return this.#byAddress.of(address);
  }

  ofTokenSession(tokenSession: string): ReadonlySet<SocketSession> {
    return this.#bySession.of(tokenSession);
  }

  [Symbol.iterator](): IterableIterator<SocketSession> {
    return this.#all.values();
  }
}
