/** The storage port: what the service needs from its database, whichever adapter holds it. */

export interface User {
  id: number;
  username: string;
  email: string;
  passwordHash: string;
  createdAt: Date;
}

export interface StoredPrompt {
  id: number;
  userId: number;
  prompt: string;
  response: string;
  model: string;
  createdAt: Date;
  /** The earlier prompt whose answer this one reused (ANSWER_REUSE_MIN_SCORE); null when the model answered. */
  reusedFrom: number | null;
}

export interface RefreshTokenRecord {
  jti: string;
  userId: number;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** Position after the last prompt of a page, in the (created_at desc, id desc) order. */
export interface PromptCursor {
  createdAt: Date;
  id: number;
}

export type RotationOutcome =
  | { status: "rotated"; userId: number; familyId: string }
  /** The token was already used once: its whole family is now revoked. */
  | { status: "reused"; userId: number }
  | { status: "revoked" | "expired" | "unknown" };

export interface UserRepository {
  /** Throws UniqueViolationError naming the field when the username is taken. */
  create(user: { username: string; email: string; passwordHash: string }): Promise<User>;
  findByUsername(username: string): Promise<User | undefined>;
  findById(id: number): Promise<User | undefined>;
}

export interface RefreshTokenRepository {
  /** Records a newly issued refresh token. */
  issue(token: { jti: string; userId: number; familyId: string; expiresAt: Date }): Promise<void>;
  /**
   * Atomically marks `jti` used and records its successor in the same family. Re-use of a token already used
   * revokes the whole family, so a stolen refresh token dies with the one its owner keeps using; except within
   * `reuseGraceMs` of its first use, when it is the same client asking twice (a retried request, two tabs) and gets
   * a successor of its own.
   */
  rotate(
    jti: string,
    successor: { jti: string; expiresAt: Date },
    now: Date,
    reuseGraceMs: number,
  ): Promise<RotationOutcome>;
  /** Revokes the family of `jti`; returns its id, or undefined when no such token exists. */
  revokeFamilyOf(jti: string, now: Date): Promise<string | undefined>;
  /** Families revoked at or after `since` (by logout or by a detected reuse), by the database's clock. */
  revokedSince(since: Date): Promise<Array<{ familyId: string; revokedAt: Date }>>;
  /** Deletes the tokens that expired before `before`; returns how many. */
  deleteExpired(before: Date): Promise<number>;
}

/** A prompt's embedding and the model that computed it: vectors of different models are never compared. */
export interface PromptEmbedding {
  vector: Float32Array;
  model: string;
}

/** A prompt as the similarity index sees it. */
export interface IndexablePrompt {
  id: number;
  userId: number;
  prompt: string;
  /** The model of the stored embedding; null when the prompt has none yet. */
  embeddingModel: string | null;
}

/** A prompt's text and, when stored by the model asked for, its vector: what a user's index is built from. */
export interface IndexedPromptRow {
  id: number;
  prompt: string;
  vector: Float32Array | undefined;
}

/** What the similarity index reads and writes to stay derived from the database. */
export interface PromptEmbeddingRepository {
  /** Every prompt of one user, with its vector when stored by `model`: one user's index, loaded on demand. */
  ofUser(userId: number, model: string): Promise<IndexedPromptRow[]>;
  /** Prompts after `afterId`, in id order, without a vector of `model`: to embed (again) in the background. */
  withoutVector(model: string, afterId: number, limit: number): Promise<IndexablePrompt[]>;
  /**
   * Prompts of these users created, or given a vector, at or after `since`, by the database's clock: what other
   * instances wrote for the users whose index this one holds.
   */
  changedSince(since: Date, userIds: readonly number[]): Promise<Array<{ id: number; userId: number }>>;
  /** The prompts with these ids (of `userId` only, when given), with their embeddings when stored by `model`. */
  withEmbeddings(
    ids: readonly number[],
    model: string,
    userId?: number,
  ): Promise<Array<StoredPrompt & { vector: Float32Array | undefined }>>;
  /** Stores a prompt's embedding, computed after the prompt was stored (or again, after a model change). */
  setEmbedding(id: number, embedding: PromptEmbedding): Promise<void>;
}

export interface PromptRepository {
  /**
   * Takes the id the next prompt will be stored under, before it exists: streamed answers are announced under
   * their final id while the model is still writing them.
   */
  reserveId(): Promise<number>;
  /** Stores a prompt, under `id` when one was reserved. */
  insert(prompt: {
    id?: number;
    userId: number;
    prompt: string;
    response: string;
    model: string;
    /** When already known (seeding, imports); otherwise the vector follows with `embeddings.setEmbedding`. */
    embedding?: PromptEmbedding;
    /** The earlier prompt of the same user whose answer this one reuses. */
    reusedFrom?: number;
  }): Promise<StoredPrompt>;
  /** Undefined when the prompt does not exist or belongs to another user. */
  get(userId: number, id: number): Promise<StoredPrompt | undefined>;
  /** The user's prompts among these ids, in no particular order; others' ids are left out. */
  getMany(userId: number, ids: readonly number[]): Promise<StoredPrompt[]>;
  /** The user's prompts, newest first, after `cursor` when given. */
  list(userId: number, page: { limit: number; after?: PromptCursor }): Promise<StoredPrompt[]>;
}

export interface Storage {
  /** "postgres" or "embedded", for logs and health checks. */
  readonly kind: string;
  /** The database's clock, which every instance shares. */
  now(): Promise<Date>;
  readonly users: UserRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly prompts: PromptRepository;
  readonly embeddings: PromptEmbeddingRepository;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class UniqueViolationError extends Error {
  constructor(readonly field: string) {
    super(`duplicate value for ${field}`);
    this.name = "UniqueViolationError";
  }
}
