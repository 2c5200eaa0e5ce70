import { createHash } from "node:crypto";
import type { FastifyBaseLogger, FastifyRequest } from "fastify";
import stringify from "safe-stable-stringify";
import { ApiError, validationError } from "../http/api-error.js";
import {
  type IdempotencyLease,
  IdempotencyLeaseLostError,
  type NewPrompt,
  type Storage,
  type StoredPrompt,
} from "../storage/index.js";

/** How long a key's result is replayed: the IETF httpapi draft leaves it to the server; Stripe's is 24 hours too. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** 1 to 255 printable ASCII characters (the draft's key is an sf-string; UUIDs are what clients send). */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The header's name, as the IETF httpapi draft spells it. */
const IDEMPOTENCY_HEADER = "idempotency-key";

/** The Idempotency-Key of a request, or undefined without one; 400 for a malformed key. */
function idempotencyKeyOf(request: FastifyRequest): string | undefined {
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
const fingerprintOf = (operation: string, body: unknown): string =>
  createHash("sha256")
    .update(`${operation}\n${stringify(body) ?? ""}`)
    .digest("base64url");

/** A request that this call runs under its key. */
export interface IdempotentRun {
  kind: "run";
  /** What the prompt is stored with, so that the key's result is recorded in the same transaction. */
  storedAs(responseStatus: number): NonNullable<NewPrompt["idempotency"]>;
  /** The request failed: its key is let go (so that a retry runs it); returns the error to answer with. */
  failed(error: unknown): Promise<unknown>;
  /** The request is over: its lease is no longer renewed. */
  end(): void;
}

/** A request that already ran: its result, the prompt it stored and the status it was answered with, is replayed. */
interface IdempotentReplay {
  kind: "replay";
  responseStatus: number;
  prompt: StoredPrompt;
}

/**
 * How long a running request holds its key without renewing it: long enough that a busy instance renews in time
 * (every third of it), short enough that the retries of a request whose instance died or froze get 409 for seconds,
 * not minutes, before one of them takes the key over.
 */
export const IDEMPOTENCY_LEASE_MS = 10_000;

/**
 * `Idempotency-Key` on requests that store a prompt: the same key and body within 24 hours replays the first result
 * instead of storing the prompt (and paying the model) again; another body under the key is 422; a retry while the
 * first is still running is 409 with Retry-After. A request that fails is not remembered, so its retry runs. The
 * database decides between instances: its primary key admits one request per key, the request's lease is renewed
 * while it runs, and its result is recorded in the transaction that stores the prompt, which stores nothing if the
 * lease was lost meanwhile (to a retry that took the key over): a prompt is never stored twice under one key.
 */
export class IdempotentRequests {
  readonly #running = new Set<IdempotencyLease>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    private readonly leaseMs = IDEMPOTENCY_LEASE_MS,
  ) {
    this.#timer = setInterval(() => void this.#renew(), Math.max(1, Math.floor(leaseMs / 3)));
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  /**
   * Claims the request's Idempotency-Key for `operation` (undefined for a request without one). `what` names what
   * the operation creates, for the 404 of a replay whose prompt was deleted since.
   */
  async begin(
    request: FastifyRequest,
    userId: number,
    operation: string,
    what: string,
  ): Promise<IdempotentRun | IdempotentReplay | undefined> {
    const key = idempotencyKeyOf(request);
    if (key === undefined) return undefined;
    const claim = await this.storage.idempotency.claim(
      userId,
      key,
      fingerprintOf(operation, request.body),
      IDEMPOTENCY_TTL_MS,
      this.leaseMs,
    );
    switch (claim.status) {
      case "claimed":
        return this.#run(claim.lease);
      case "completed": {
        const prompt = await this.storage.prompts.get(userId, claim.promptId);
        if (!prompt) throw new ApiError("not_found", `The ${what} this Idempotency-Key created was deleted.`);
        return { kind: "replay", responseStatus: claim.responseStatus, prompt };
      }
      case "mismatch":
        throw new ApiError("idempotency_key_reused");
      case "running":
        throw inFlight();
    }
  }

  #run(lease: IdempotencyLease): IdempotentRun {
    this.#running.add(lease);
    return {
      kind: "run",
      storedAs: (responseStatus) => ({ lease, responseStatus }),
      failed: async (error) => {
        this.#running.delete(lease);
        // Another request holds the key now: the client's retry will be answered by it.
        if (error instanceof IdempotencyLeaseLostError) return inFlight();
        await this.storage.idempotency.release(lease).catch((releaseError: unknown) => {
          this.log.warn({ err: releaseError, userId: lease.userId }, "could not release an idempotency key");
        });
        return error;
      },
      end: () => this.#running.delete(lease),
    };
  }

  async #renew(): Promise<void> {
    try {
      await this.storage.idempotency.renew([...this.#running], this.leaseMs);
    } catch (error) {
      this.log.warn({ err: error }, "could not renew the leases of idempotency keys");
    }
  }
}

const inFlight = () =>
  new ApiError("idempotency_key_in_flight", undefined, { headers: { "retry-after": "1" } });
