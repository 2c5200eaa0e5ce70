import { LRUCache } from "lru-cache";
import type { Storage, User } from "../storage/index.js";

type PublicUser = Pick<User, "id" | "username" | "email">;

/**
 * Users by id for authenticated routes, remembered: accounts are never changed through the API, and a deleted one is
 * refused by its credentials before it is looked up (AccountDeletions), so a cached entry cannot be shown stale; the
 * lookup was most of the cost of a light authenticated request (measured by bench/overhead.ts). Only the public
 * fields are kept, never the password hash.
 */
export class UserLookup {
  readonly #cache = new LRUCache<number, PublicUser>({ max: 10_000 });

  constructor(private readonly storage: Storage) {}

  async byId(id: number): Promise<PublicUser | undefined> {
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const user = await this.storage.users.findById(id);
    if (!user) return undefined;
    const publicUser = { id: user.id, username: user.username, email: user.email };
    this.#cache.set(id, publicUser);
    return publicUser;
  }
}
