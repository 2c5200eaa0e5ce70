import type { ApiKeyBody } from "@prompt-service/protocol/schemas";
import { type Static, Type } from "typebox";
import type { ApiKeyRecord } from "../../storage/index.js";

/** The path of a route about one key: which key (a URL, not a body: the SDK builds it from the id). */
export const ApiKeyIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});

export const toApiKeyBody = (record: ApiKeyRecord): Static<typeof ApiKeyBody> => ({
  id: record.id,
  name: record.name,
  prefix: record.prefix,
  created_at: record.createdAt.toISOString(),
  expires_at: record.expiresAt?.toISOString() ?? null,
  last_used_at: record.lastUsedAt?.toISOString() ?? null,
});
