import type { APIPromise } from "../core/api-promise.js";
import type { HttpClient, RequestOptions } from "../core/http.js";
import type { ApiKeyList, CreateApiKeyBody, NewApiKey } from "../generated/api.js";

export interface CreateApiKeyParams {
  /** What the key is for, to tell keys apart (1 to 100 characters). */
  name: string;
  /** How long the key works: `30d`, `12h`, or seconds as a string; without it the key does not expire. */
  expiresIn?: string;
}

/**
 * The user's personal API keys. Managing them takes a session (a password login): a client authenticated with a key
 * gets PermissionDeniedError here, so that a leaked key cannot mint more.
 */
export class Keys {
  constructor(private readonly http: HttpClient) {}

  /**
   * Creates a key; `key` in the answer is the only time the key itself is shown (only its hash is stored). Not
   * retried unless `options.maxRetries` is given: a repeat after a lost answer would make a second key.
   */
  create(params: CreateApiKeyParams, options?: RequestOptions): APIPromise<NewApiKey> {
    const body: CreateApiKeyBody = {
      name: params.name,
      ...(params.expiresIn === undefined ? {} : { expires_in: params.expiresIn }),
    };
    return this.http.request<NewApiKey>(
      { method: "POST", path: "/api/keys", body, authenticated: true, idempotent: false },
      options,
    );
  }

  /** The user's keys, newest first, without the keys themselves. */
  list(options?: RequestOptions): APIPromise<ApiKeyList> {
    return this.http.request<ApiKeyList>(
      { method: "GET", path: "/api/keys", authenticated: true, idempotent: true },
      options,
    );
  }

  /** Revokes a key: refused at once by the server that answers, within a second by every other instance. */
  revoke(id: number, options?: RequestOptions): APIPromise<void> {
    return this.http.request<void>(
      { method: "DELETE", path: `/api/keys/${id}`, authenticated: true, idempotent: true },
      options,
    );
  }
}
