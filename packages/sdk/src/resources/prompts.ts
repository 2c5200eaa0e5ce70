import type { ApiRequest, HttpClient, RequestOptions } from "../core/http.js";
import { CursorList } from "../core/pagination.js";
import type {
  CreatePromptParams,
  ListPromptsParams,
  Prompt,
  PromptPage,
  SimilarQuery,
  SimilarResponse,
} from "../generated/api.js";
import { PromptStream } from "./prompt-stream.js";

/** Options of a similarity search: everything but the query text. */
export type SimilarParams = Omit<SimilarQuery, "q">;

/** The caller's prompts: ask the language model, read them back, search them by meaning. */
export class Prompts {
  constructor(private readonly http: HttpClient) {}

  /**
   * Answers a prompt with the language model and stores both. With `websocket: true` the answer is also pushed to
   * the caller's event streams. Not retried unless `options.maxRetries` is given: a retry after a lost answer
   * asks the model again and stores a second prompt.
   */
  create(params: CreatePromptParams, options?: RequestOptions): Promise<Prompt> {
    const request: ApiRequest = {
      method: "POST",
      path: "/api/prompts",
      body: params,
      authenticated: true,
      idempotent: false,
    };
    return this.http.request<Prompt>(request, options);
  }

  /**
   * Answers a prompt as the model writes it: `for await (const event of client.prompts.stream({ prompt }))` yields
   * `prompt.delta` pieces, then `prompt.message` with the stored prompt; `await stream.finalPrompt()` gives that
   * prompt alone. Errors before the answer begins (validation, throttling, authentication) reject as `create`'s do;
   * a model that fails midway ends the stream with PromptFailedError. Never retried, like `create`.
   */
  stream(params: Omit<CreatePromptParams, "stream">, options: RequestOptions = {}): PromptStream {
    const request: ApiRequest = {
      method: "POST",
      path: "/api/prompts",
      body: { ...params, stream: true },
      authenticated: true,
      idempotent: false,
    };
    return new PromptStream(
      (signal) => this.http.openStream(request, { ...options, signal }),
      options.signal,
    );
  }

  get(id: number, options?: RequestOptions): Promise<Prompt> {
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

  /** The caller's prompts closest in meaning to `query`, best first, with scores from 0 to 1. */
  similar(query: string, params: SimilarParams = {}, options?: RequestOptions): Promise<SimilarResponse> {
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
