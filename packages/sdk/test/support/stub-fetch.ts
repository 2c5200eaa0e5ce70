import type { Fetch, FetchInit } from "@prompt-service/sdk";

export interface StubCall {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  /** Date.now() when the request was sent: fake time under fake timers. */
  at: number;
  signal: AbortSignal;
}

/** A fetch that records every request and answers with `respond`; the calls so far include the current one. */
export function stubFetch(respond: (call: StubCall, calls: StubCall[]) => Response | Promise<Response>) {
  const calls: StubCall[] = [];
  const fetch: Fetch = async (url: string, init: FetchInit) => {
    const call: StubCall = {
      url: new URL(url),
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      at: Date.now(),
      signal: init.signal,
    };
    calls.push(call);
    return respond(call, calls);
  };
  return { fetch, calls };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** Never answers; rejects the way undici does when the request's signal aborts. */
export const hang = (call: StubCall) =>
  new Promise<Response>((_resolve, reject) => {
    call.signal.addEventListener("abort", () =>
      reject(new DOMException("This operation was aborted", "AbortError")),
    );
  });

/** Milliseconds between consecutive requests: the waits before each retry. */
export const gaps = (calls: StubCall[]): number[] =>
  calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? call.at));
