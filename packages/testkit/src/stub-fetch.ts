/**
 * What the SDK's client hands its `fetch` option (the SDK's FetchInit), declared here so that the testkit does not
 * depend on the SDK.
 */
export interface StubRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface StubCall {
  url: URL;
  /** Path and query, e.g. "/api/prompts/similar?q=hola&k=5". */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  /** Date.now() when the request was sent: fake time under fake timers. */
  at: number;
  signal: AbortSignal;
}

/**
 * A fetch for the SDK's client that records every request and answers with `respond`: an API without a server.
 * `respond` also gets the calls so far, the current one included.
 */
export function stubFetch(respond: (call: StubCall, calls: StubCall[]) => Response | Promise<Response>) {
  const calls: StubCall[] = [];
  const fetch = async (url: string, init: StubRequestInit): Promise<Response> => {
    const parsed = new URL(url);
    const call: StubCall = {
      url: parsed,
      path: `${parsed.pathname}${parsed.search}`,
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
