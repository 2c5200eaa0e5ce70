/** The storage port: what the service needs from its database, whichever adapter holds it. */

export interface User {
  id: number;
  username: string;
  email: string;
  passwordHash: string;
  createdAt: Date;
}

/** One turn of a chat, as the OpenAI-compatible API receives it. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** What an answer cost in tokens: from the provider's `usage`, or counted here (`estimated`) when it gave none. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
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
  /** The whole conversation of a chat call (`/v1/chat/completions`); null for a single prompt. */
  messages: ChatMessage[] | null;
  /** Model tokens the answer cost: 0 and 0 for a reused answer, and for prompts stored before usage was recorded. */
  promptTokens: number;
  completionTokens: number;
  /** The counts were made with a tokenizer here, because the provider reported none. */
  tokensEstimated: boolean;
}

/** A prompt to store, under `id` when one was reserved. */
export interface NewPrompt {
  id?: number;
  userId: number;
  prompt: string;
  response: string;
  model: string;
  /** When already known (seeding, imports); otherwise the vector follows with `embeddings.setEmbedding`. */
  embedding?: PromptEmbedding;
  /** The earlier prompt of the same user whose answer this one reuses. */
  reusedFrom?: number;
  messages?: ChatMessage[] | null;
  /** Absent: nothing was spent (a reused answer, an import). */
  usage?: TokenUsage;
  /** When it was first asked (an import keeps the original time); otherwise now, by the database's clock. */
  createdAt?: Date;
  /**
   * The Idempotency-Key the request runs under: its result is recorded in the transaction that stores the prompt,
   * or nothing is stored (IdempotencyLeaseLostError) when another request has claimed the key meanwhile.
   */
  idempotency?: { lease: IdempotencyLease; responseStatus: number };
}

/** Position after the last prompt of a page, in the (created_at desc, id desc) order. */
export interface PromptCursor {
  createdAt: Date;
  id: number;
}

/** A refresh token's id and expiry: enough to sign it again, byte for byte (see TokenService.issue). */
export interface RefreshTokenId {
  jti: string;
  expiresAt: Date;
}

export type RotationOutcome =
  /** `successor` is the candidate offered, or the one already given for this token within the grace window. */
  | { status: "rotated"; userId: number; familyId: string; successor: RefreshTokenId }
  /** The token was already used once: its whole family is now revoked. */
  | { status: "reused"; userId: number }
  | { status: "revoked" | "expired" | "unknown" };

/** The ids of rows marked (deleted, revoked) since a time, and the database's clock when they were read. */
export interface MarkedIds {
  now: Date;
  ids: number[];
}

export interface UserRepository {
  /** Throws UniqueViolationError naming the field when the username is taken. */
  create(user: { username: string; email: string; passwordHash: string }): Promise<User>;
  /** Exact match: the name the user logs in with. */
  findByUsername(username: string): Promise<User | undefined>;
  /** Whether a user has this name, whatever the case of its letters: registration refuses such a name. */
  usernameTaken(username: string): Promise<boolean>;
  findById(id: number): Promise<User | undefined>;
  /**
   * Deletes the user and everything they own (prompts, refresh tokens, keys, usage, idempotency keys: the foreign
   * keys cascade), and leaves a tombstone for other instances; false when no such user exists.
   */
  delete(id: number): Promise<boolean>;
  /** Users deleted at or after `since`, and the database's clock when it looked. */
  deletedSince(since: Date): Promise<MarkedIds>;
}

export interface RefreshTokenRepository {
  /** Records a newly issued refresh token. */
  issue(token: { jti: string; userId: number; familyId: string; expiresAt: Date }): Promise<void>;
  /**
   * Atomically marks `jti` used and records `candidate` as its successor in the same family. Re-use of a token already
   * used revokes the whole family, so a stolen refresh token dies with the one its owner keeps using; except within
   * `reuseGraceMs` of its first use, when it is the same client asking twice (a retried request, two tabs) and gets
   * the successor already recorded, so that the family keeps one live token. Every time compared is the database's.
   */
  rotate(jti: string, candidate: RefreshTokenId, reuseGraceMs: number): Promise<RotationOutcome>;
  /** Revokes the family of `jti` as of the database's clock; returns its id, or undefined when no such token exists. */
  revokeFamilyOf(jti: string): Promise<string | undefined>;
  /** Families revoked at or after `since` (by logout or by a detected reuse), by the database's clock. */
  revokedSince(since: Date): Promise<Array<{ familyId: string; revokedAt: Date }>>;
  /** Deletes the tokens that have expired by the database's clock; returns how many. */
  deleteExpired(): Promise<number>;
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
  /** Prompts of these users deleted at or after `since`, by the database's clock. */
  deletedSince(since: Date, userIds: readonly number[]): Promise<Array<{ id: number; userId: number }>>;
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
   * their final id while the model is still writing them. Ids are unique, not ordered: they are taken in blocks
   * per instance, so one instance's interleave with another's.
   */
  reserveId(): Promise<number>;
  /**
   * Stores a prompt and counts it in the user's usage of its UTC day, together (one statement), and with its
   * Idempotency-Key's result when it has one (one transaction).
   */
  insert(prompt: NewPrompt): Promise<StoredPrompt>;
  /** Undefined when the prompt does not exist or belongs to another user. */
  get(userId: number, id: number): Promise<StoredPrompt | undefined>;
  /** The user's prompts among these ids, in no particular order; others' ids are left out. */
  getMany(userId: number, ids: readonly number[]): Promise<StoredPrompt[]>;
  /** The user's prompts, newest first, after `cursor` when given. */
  list(userId: number, page: { limit: number; after?: PromptCursor }): Promise<StoredPrompt[]>;
  /** The user's prompts, oldest first, after `cursor` when given: one batch of an export. */
  listOldestFirst(userId: number, page: { limit: number; after?: PromptCursor }): Promise<StoredPrompt[]>;
  /** Deletes one of the user's prompts and leaves a tombstone; false when the user has no such prompt. */
  delete(userId: number, id: number): Promise<boolean>;
  /** Deletes up to `limit` of the prompts created before `before` (oldest first), with tombstones; returns them. */
  deleteCreatedBefore(before: Date, limit: number): Promise<Array<{ id: number; userId: number }>>;
  /**
   * Stores prompts brought from elsewhere, in one transaction: those whose (created_at, prompt) the user already
   * has are skipped. No usage is counted: this server's model answered none of them.
   */
  importMany(
    userId: number,
    prompts: readonly ImportedPrompt[],
  ): Promise<{ imported: StoredPrompt[]; skipped: number }>;
}

/** A prompt of an export, as an import stores it: the export gives its time and its usage. */
export type ImportedPrompt = Pick<NewPrompt, "prompt" | "response" | "model" | "messages"> &
  Required<Pick<NewPrompt, "createdAt" | "usage">>;

/** A claim on an Idempotency-Key: whose request runs under it. */
export interface IdempotencyLease {
  userId: number;
  key: string;
  /** Drawn by the claiming request: only it may renew, complete or release the key. */
  owner: string;
}

/** What an Idempotency-Key found. */
export type IdempotencyClaim =
  /** The key is new (or its earlier use expired, failed or was abandoned): this request runs under it. */
  | { status: "claimed"; lease: IdempotencyLease }
  /** The first request with this key is still running. */
  | { status: "running" }
  /** The key was used with another request. */
  | { status: "mismatch" }
  /** The first request finished: replay it. */
  | { status: "completed"; responseStatus: number; promptId: number };

export interface IdempotencyRepository {
  /**
   * Claims `key` for the user's request `fingerprint`, atomically across instances. A completed key older than
   * `ttlMs`, or a running one whose lease has run out (its instance died or froze), is claimed again.
   */
  claim(
    userId: number,
    key: string,
    fingerprint: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<IdempotencyClaim>;
  /** Extends the leases of requests still running. */
  renew(leases: readonly IdempotencyLease[], leaseMs: number): Promise<void>;
  /** Forgets a claim whose request failed, so that a retry runs it. */
  release(lease: IdempotencyLease): Promise<void>;
}

/** The key a prompt is stored under was claimed by another request meanwhile (this one's lease ran out). */
export class IdempotencyLeaseLostError extends Error {
  constructor() {
    super("the Idempotency-Key was claimed by another request: this one's lease ran out");
    this.name = "IdempotencyLeaseLostError";
  }
}

/** Tombstones and expired keys, swept in the background. */
export interface HousekeepingRepository {
  /** Deletes tombstones older than `before` and idempotency keys created before `keysBefore`; returns how many. */
  sweep(before: Date, keysBefore: Date): Promise<number>;
}

/** A personal API key as stored: never the key itself, only its hash. */
export interface ApiKeyRecord {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

export interface ApiKeyRepository {
  create(key: {
    userId: number;
    name: string;
    prefix: string;
    hash: Buffer;
    expiresAt: Date | null;
  }): Promise<ApiKeyRecord>;
  /** The user's keys that are not revoked, newest first (expired ones included: their owner may want to see them). */
  listOf(userId: number): Promise<ApiKeyRecord[]>;
  /** The live key with this hash: not revoked, not expired by the database's clock. */
  findLive(hash: Buffer): Promise<ApiKeyRecord | undefined>;
  /** Revokes one of the user's keys; false when the user has no such live key. */
  revoke(userId: number, id: number): Promise<boolean>;
  /** Keys revoked at or after `since`, by the database's clock, with the time it read. */
  revokedSince(since: Date): Promise<MarkedIds>;
  touch(id: number): Promise<void>;
}

/** One UTC day of a user's activity. */
export interface UsageDay {
  /** YYYY-MM-DD. */
  date: string;
  prompts: number;
  modelCalls: number;
  reused: number;
  promptTokens: number;
  completionTokens: number;
}

export interface UsageRepository {
  /** The user's days with activity among the last `days` UTC days (today included), newest first. */
  daysOf(userId: number, days: number): Promise<UsageDay[]>;
  /**
   * Prompt plus completion tokens the user spent in the current UTC day or calendar month, and the database's
   * clock when it was read: every instance counts the same window.
   */
  spentThis(userId: number, period: "day" | "month"): Promise<{ tokens: number; now: Date }>;
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
  readonly apiKeys: ApiKeyRepository;
  readonly usage: UsageRepository;
  readonly idempotency: IdempotencyRepository;
  readonly housekeeping: HousekeepingRepository;
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
