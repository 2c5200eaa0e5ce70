import { NDJSON } from "@prompt-service/protocol";
import type { APIPromise } from "../core/api-promise.js";
import type { ApiRequest, HttpClient, RequestOptions } from "../core/http.js";
import { newIdempotencyKey } from "../core/idempotency-key.js";
import { parseNdjson } from "../core/ndjson.js";
import { CursorList } from "../core/pagination.js";
import type {
  CreatePromptParams,
  ExportLine,
  ListPromptsParams,
  Prompt,
  PromptPage,
  SimilarQuery,
  SimilarResponse,
} from "../generated/api.js";
import { type ImportLine, type ImportOptions, type ImportResult, PromptImport } from "./prompt-import.js";
import { PromptStream } from "./prompt-stream.js";

/** Options of a similarity search: everything but the query text. */
export type SimilarParams = Omit<SimilarQuery, "q">;

/** Options of a call that stores a prompt. */
export interface CreatePromptOptions extends RequestOptions {
  /**
   * Names this request for the server (the `Idempotency-Key` header): the same key with the same body within 24 hours
   * gets the first answer again instead of a second prompt. Defaults to a new random key per call, kept across the
   * call's own retries. Give your own to make retries of your own safe too (1 to 255 printable ASCII characters).
   */
  idempotencyKey?: string;
}

/** The caller's prompts: ask the language model, read them back, search them by meaning, delete, export, import. */
export class Prompts {
  constructor(private readonly http: HttpClient) {}

  /**
   * Answers a prompt with the language model and stores both. With `websocket: true` the answer is also pushed to
   * the caller's event streams. Retried like any request that is safe to repeat: the Idempotency-Key that each
   * call sends makes a retry after a lost answer get the stored prompt, never a second one.
   */
  create(params: CreatePromptParams, options: CreatePromptOptions = {}): APIPromise<Prompt> {
    return this.http.request<Prompt>(storeRequest(params, options), options);
  }

  /**
   * Answers a prompt as the model writes it: `for await (const event of client.prompts.stream({ prompt }))` yields
   * `prompt.delta` pieces, then `prompt.message` with the stored prompt; `await stream.finalPrompt()` gives that
   * prompt alone. Errors before the answer begins (validation, throttling, authentication) reject as `create`'s do,
   * and are retried as its are, under the same Idempotency-Key; once the answer has begun nothing is retried, and a
   * model that fails midway ends the stream with PromptFailedError.
   */
  stream(params: Omit<CreatePromptParams, "stream">, options: CreatePromptOptions = {}): PromptStream {
    const request = storeRequest({ ...params, stream: true }, options);
    return new PromptStream(
      (signal) => this.http.openStream(request, { ...options, signal }),
      options.signal,
    );
  }

  get(id: number, options?: RequestOptions): APIPromise<Prompt> {
    return this.http.request<Prompt>(
      { method: "GET", path: `/api/prompts/${id}`, authenticated: true, idempotent: true },
      options,
    );
  }

  /**
   * Every prompt of the caller, newest first: `for await (const prompt of client.prompts.list())`. Pages of
   * `limit` are fetched as iteration reaches them; `cursor` resumes from a page's `next`.
   */
  list(params: ListPromptsParams = {}, options?: RequestOptions): CursorList<Prompt> {
    return new CursorList<Prompt>(
      (cursor) =>
        this.http.request<PromptPage>(
          {
            method: "GET",
            path: "/api/prompts",
            query: { limit: params.limit, cursor },
            authenticated: true,
            idempotent: true,
          },
          options,
        ),
      params.cursor,
    );
  }

  /**
   * Deletes a prompt: gone from history and search on every instance within a second, and a `prompt_deleted` event
   * on the caller's streams. NotFoundError for an unknown id or another user's.
   */
  delete(id: number, options?: RequestOptions): APIPromise<void> {
    return this.http.request<void>(
      { method: "DELETE", path: `/api/prompts/${id}`, authenticated: true, idempotent: true },
      options,
    );
  }

  /**
   * The caller's whole history, oldest first, one line of the export (the prompt plus its model, messages and token
   * usage) at a time: `for await (const line of client.prompts.export())`. Read as it arrives, so any history fits
   * in memory; leaving the loop stops the server's work. The server throttles exports (2 a minute by default).
   */
  async *export(options: RequestOptions = {}): AsyncGenerator<ExportLine, void, undefined> {
    const body = await this.http.openStream(
      { method: "GET", path: "/api/prompts/export", authenticated: true, idempotent: true },
      options,
      NDJSON,
    );
    yield* parseNdjson<ExportLine>(body);
  }

  /**
   * Stores prompts from an export (this server's or another's, this account's or another's) without calling the
   * model, keeping their `created_at`: lines as objects or as text, from an array or an async iterable (a file read
   * line by line). Sent in requests under the server's body limit; answers the totals. Lines the caller already has
   * are skipped, so importing the same lines twice stores them once. A bad line rejects with ValidationError whose
   * `fields` name it by its number in the input (`line 12: created_at`); the lines before its request stay imported.
   */
  import(
    lines: Iterable<ImportLine> | AsyncIterable<ImportLine>,
    options: ImportOptions = {},
  ): Promise<ImportResult> {
    return new PromptImport(this.http, options).run(lines);
  }

  /** The caller's prompts closest in meaning to `query`, best first, with scores from 0 to 1. */
  similar(query: string, params: SimilarParams = {}, options?: RequestOptions): APIPromise<SimilarResponse> {
    return this.http.request<SimilarResponse>(
      {
        method: "GET",
        path: "/api/prompts/similar",
        query: { q: query, ...params },
        authenticated: true,
        idempotent: true,
      },
      options,
    );
  }
}

/** POST /api/prompts with an Idempotency-Key, the same on every retry of this call. */
function storeRequest(body: CreatePromptParams, options: CreatePromptOptions): ApiRequest {
  return {
    method: "POST",
    path: "/api/prompts",
    body,
    headers: { "idempotency-key": options.idempotencyKey ?? newIdempotencyKey() },
    authenticated: true,
    idempotent: true,
  };
}
