/**
 * The vector-index port: nearest prompts by meaning, for one user at a time.
 *
 * Every user has an index of their own, so a search only ever sees the caller's vectors: isolation does not depend
 * on filtering a shared top-k, which would return fewer (or other users') results when neighbours crowd it.
 * The index is derived data, loaded from the database one user at a time (see SemanticIndex), and dropping a user
 * frees what it held. A prompt's vector never changes while the index holds it (prompts are not edited, and one
 * process embeds with one model), so adding an id the user has is a replay, and changes nothing.
 */

export interface SearchHit {
  /** The id given to `add`. */
  id: number;
  /** Cosine similarity in [-1, 1]: the inner product of two unit vectors. */
  score: number;
}

export interface VectorIndex {
  /** Which adapter answers, for logs and metrics. */
  readonly kind: "faiss" | "exact";
  /** Length of every vector; others are rejected with a RangeError. */
  readonly dimensions: number;
  /** Stores a unit vector under (userId, id); the vector the id already has, if any, stays. */
  add(userId: number, id: number, vector: Float32Array): void;
  has(userId: number, id: number): boolean;
  /**
   * The stored vector of (userId, id), shared (not to be modified); undefined when it is not there, or when the
   * adapter does not keep vectors where JavaScript can read them (faiss keeps the only copy in native memory).
   */
  vectorOf(userId: number, id: number): Float32Array | undefined;
  /** The user's `k` vectors most similar to the unit vector `query`, best first, exactly; fewer when the user has fewer. */
  search(userId: number, query: Float32Array, k: number): SearchHit[];
  /** Vectors stored across all users. */
  size(): number;
  /**
   * Sets the user's vectors to exactly these rows (unique ids, one row of `vectors` per id), in one go: how a user's
   * index is loaded. May take ownership of the arrays.
   */
  replaceUser(userId: number, ids: Float64Array, vectors: Float32Array): void;
  /** Forgets every vector of one user, freeing their memory. */
  dropUser(userId: number): void;
  /** An estimate of the memory the user's vectors take, in bytes (0 when the user has none). */
  bytesOf(userId: number): number;
}
