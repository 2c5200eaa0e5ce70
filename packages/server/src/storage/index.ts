import { join } from "node:path";
import { openEmbedded } from "./embedded.js";
import { migrate } from "./migrate.js";
import type { Storage } from "./port.js";
import { openPostgres } from "./postgres.js";
import { SqlStorage } from "./sql-storage.js";

export { isDatabaseUnavailable, isDataException } from "./errors.js";
export type {
  ApiKeyRecord,
  ChatMessage,
  IdempotencyLease,
  ImportedPrompt,
  IndexablePrompt,
  IndexedPromptRow,
  MarkedIds,
  NewPrompt,
  PromptCursor,
  Storage,
  StoredPrompt,
  TokenUsage,
  UsageDay,
  User,
} from "./port.js";
export { IdempotencyLeaseLostError, UniqueViolationError } from "./port.js";

export interface OpenStorageOptions {
  /** `postgres://…`; when unset, the embedded database in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use instead of `public`. */
  schema?: string;
  /** Where the embedded database lives; undefined keeps it in memory. */
  dataDir?: string | undefined;
  onIdleError?: (error: Error) => void;
}

/** Opens the configured database and brings its schema up to date. */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const kind = options.databaseUrl ? "postgres" : "embedded";
  const db = options.databaseUrl
    ? await openPostgres({
        connectionString: options.databaseUrl,
        ...(options.schema ? { schema: options.schema } : {}),
        ...(options.onIdleError ? { onIdleError: options.onIdleError } : {}),
      })
    : await openEmbedded(options.dataDir && join(options.dataDir, "pgdata"));
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return new SqlStorage(kind, db);
}
