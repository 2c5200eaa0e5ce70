import type { Migration } from "./migration.js";

/**
 * A running Idempotency-Key is held by a lease that its request renews, instead of for a fixed time from its
 * creation: the key of an instance that died or froze is taken over within seconds, and `owner` lets the request
 * that stores the prompt check, in the same transaction, that the key is still its own.
 */
export const idempotencyLeases: Migration = {
  version: 11,
  name: "idempotency_leases",
  sql: `
ALTER TABLE idempotency_keys
  ADD COLUMN owner uuid,
  ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now();
`,
};
