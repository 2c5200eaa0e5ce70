import type { Fetch, FetchInit } from "@prompt-service/sdk";

export interface StubCall {
  method: string;
  /** Path and query, e.g. "/api/prompts/similar?q=hola&k=5". */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records every request and answers with `respond`: an API without a server. */
export function stubFetch(respond: (call: StubCall) => Response | Promise<Response>) {
  const calls: StubCall[] = [];
  const fetch: Fetch = async (url: string, init: FetchInit) => {
    const { pathname, search } = new URL(url);
    const call: StubCall = {
      method: init.method,
      path: `${pathname}${search}`,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
    };
    calls.push(call);
    return respond(call);
  };
  return { fetch, calls };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** An unsigned JWT that expires in `expiresIn` seconds (an hour): the client only reads its expiry. */
export function fakeJwt(subject: string, expiresIn = 3600): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const exp = Math.floor(Date.now() / 1000) + expiresIn;
  return `${encode({ alg: "HS256", typ: "JWT" })}.${encode({ sub: subject, exp })}.signature`;
}
