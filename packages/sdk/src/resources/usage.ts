import type { APIPromise } from "../core/api-promise.js";
import type { HttpClient, RequestOptions } from "../core/http.js";
import type { UsageQuery, UsageReport } from "../generated/api.js";

/** What the user's prompts cost: per UTC day, in total, and against the server's token budget. */
export class Usage {
  constructor(private readonly http: HttpClient) {}

  /** The last `days` UTC days (default 30, at most 366), newest first, only days with activity. */
  get(params: UsageQuery = {}, options?: RequestOptions): APIPromise<UsageReport> {
    return this.http.request<UsageReport>(
      { method: "GET", path: "/api/usage", query: { ...params }, authenticated: true, idempotent: true },
      options,
    );
  }
}
