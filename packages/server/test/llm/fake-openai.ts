import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the connection that carried the request is closed, by either side. */
  connectionClosed: Promise<void>;
}

export type Handler = (request: RecordedRequest, response: ServerResponse, index: number) => void;

/** An OpenAI-compatible server on a real port whose answers each test scripts through `handler`. */
export interface FakeOpenAi {
  baseUrl: string;
  requests: RecordedRequest[];
  handler: Handler;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const fake: FakeOpenAi = {
    baseUrl: "",
    requests: [],
    handler: (_request, response) => response.writeHead(500).end(),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  // One wait per connection, however many requests it carries (a listener per request would pile up on it).
  const closedSockets = new WeakMap<object, Promise<void>>();
  const server = createServer(async (incoming: IncomingMessage, response: ServerResponse) => {
    let connectionClosed = closedSockets.get(incoming.socket);
    if (!connectionClosed) {
      // events.once rejects when the socket errs first (ECONNRESET: the server under test cut the call short), which
      // closes the connection all the same; left rejected, it failed the run as an unhandled rejection.
      connectionClosed = once(incoming.socket, "close").then(
        () => undefined,
        () => undefined,
      );
      closedSockets.set(incoming.socket, connectionClosed);
    }
    let body = "";
    for await (const chunk of incoming) body += chunk;
    const request = {
      method: incoming.method,
      url: incoming.url,
      headers: incoming.headers,
      body,
      connectionClosed,
    };
    fake.requests.push(request);
    fake.handler(request, response, fake.requests.length - 1);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

export function completion(content: unknown): string {
  return JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", choices: [{ message: { content } }] });
}

export function json(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
}

export function sseEvent(content: string): string {
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
}

export function startSse(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.flushHeaders();
}

/** Resolves with true when `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
