import { initial } from "./0001_initial.js";
import { promptsCreatedAt } from "./0002_prompts_created_at.js";
import { promptsEmbeddedAt } from "./0003_prompts_embedded_at.js";
import { refreshTokensRevokedAt } from "./0004_refresh_tokens_revoked_at.js";
import { promptsReusedFrom } from "./0005_prompts_reused_from.js";
import { apiKeys } from "./0006_api_keys.js";
import { tokenUsage } from "./0007_token_usage.js";
import { refreshTokensSuccessor } from "./0008_refresh_tokens_successor.js";
import { dataLifecycle } from "./0009_data_lifecycle.js";
import { usernamesIgnoringCase } from "./0010_usernames_ignoring_case.js";
import { idempotencyLeases } from "./0011_idempotency_leases.js";
import type { Migration } from "./migration.js";

export type { Migration } from "./migration.js";

/**
 * Every schema change, in order. Append only: a released migration is never edited, so that every database,
 * embedded or PostgreSQL, passes through the same versions.
 */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  promptsCreatedAt,
  promptsEmbeddedAt,
  refreshTokensRevokedAt,
  promptsReusedFrom,
  apiKeys,
  tokenUsage,
  refreshTokensSuccessor,
  dataLifecycle,
  usernamesIgnoringCase,
  idempotencyLeases,
];
