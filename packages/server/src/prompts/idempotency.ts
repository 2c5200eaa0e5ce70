import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import stringify from "safe-stable-stringify";
import { ApiError, validationError } from "../errors.js";
import type { Storage } from "../storage/index.js";

/** How long a key's result is replayed: the IETF httpapi draft leaves it to the server; Stripe's is 24 hours too. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A key still "running" after this long belongs to a request whose instance died (or froze) before finishing: it may
 * be claimed again. Long enough for the slowest answer the model may give (a few of its timeouts), short enough that a
 * client retrying after a crash is not refused for long.
 */
export const idempotencyStaleMs = (llmTimeoutMs: number): number => Math.max(120_000, 4 * llmTimeoutMs);

/** 1 to 255 printable ASCII characters (the draft's key is an sf-string; UUIDs are what clients send). */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The header's name, as the IETF httpapi draft spells it. */
const IDEMPOTENCY_HEADER = "idempotency-key";

/** The Idempotency-Key of a request, or undefined without one; 400 for a malformed key. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !KEY_PATTERN.test(value)) {
    throw validationError({
      "Idempotency-Key": ["Send one key of 1 to 255 printable ASCII characters, such as a UUID."],
    });
  }
  return value;
}

/** What identifies "the same request" under one key: the operation and its body, whatever its keys' order. */
export const fingerprintOf = (operation: string, body: unknown): string =>
  createHash("sha256")
    .update(`${operation}\n${stringify(body) ?? ""}`)
    .digest("base64url");

/** A request that this call runs: it records the result, or lets the key go when the request fails. */
export interface IdempotentRun {
  kind: "run";
  complete(responseStatus: number, promptId: number): Promise<void>;
  release(): Promise<void>;
}

/** A request that already ran: its result is replayed. */
interface IdempotentReplay {
  kind: "replay";
  responseStatus: number;
  promptId: number;
}

/**
 * `Idempotency-Key` on requests that store a prompt: the same key and body within 24 hours replays the first result
 * instead of storing the prompt (and paying the model) again; another body under the key is 422; a retry while the
 * first is still running is 409 with Retry-After. A request that fails is not remembered, so its retry runs. The
 * database's primary key decides between instances.
 */
export class IdempotentRequests {
  constructor(
    private readonly storage: Storage,
    /** A key still "running" after this long belongs to a request whose instance died: it may be claimed again. */
    private readonly staleMs: number,
  ) {}

  async begin(userId: number, key: string, fingerprint: string): Promise<IdempotentRun | IdempotentReplay> {
    const claim = await this.storage.idempotency.claim(
      userId,
      key,
      fingerprint,
      IDEMPOTENCY_TTL_MS,
      this.staleMs,
    );
    switch (claim.status) {
      case "claimed":
        return {
          kind: "run",
          complete: (responseStatus, promptId) =>
            this.storage.idempotency.complete(userId, key, responseStatus, promptId),
          release: () => this.storage.idempotency.release(userId, key),
        };
      case "completed":
        return { kind: "replay", responseStatus: claim.responseStatus, promptId: claim.promptId };
      case "mismatch":
        throw new ApiError("idempotency_key_reused");
      case "running":
        throw new ApiError("idempotency_key_in_flight", undefined, { headers: { "retry-after": "1" } });
    }
  }
}
